/*
 * nicsim register map for C drivers.
 *
 * Generated from src/hw/regs/map/ by `npm run docs`. Do not edit by hand: change the
 * definitions and regenerate. Reference: docs/registers.md.
 *
 * Offsets are byte offsets into the memory BAR; registers are 32 bits. A field's MASK
 * is in place (already shifted); enum values are field values (shift them to place).
 */
#ifndef NICSIM_REGS_H
#define NICSIM_REGS_H

/* ---------------------------------------------------------------------------
 * Device parameters this header was generated with
 */
#define NICSIM_NUM_QUEUES                       128u
#define NICSIM_NUM_VECTORS                      64u
#define NICSIM_BAR_BYTES                        0x20000u

/* ---------------------------------------------------------------------------
 * Device control, status and identification
 */

/* CTRL: Device control */
#define NICSIM_CTRL                             0x00000u
#define NICSIM_CTRL_RESET                       0x00000000u

/* CTRL.RST [26] sc */
#define NICSIM_CTRL_RST_SHIFT                   26
#define NICSIM_CTRL_RST_MASK                    0x04000000u

/* CTRL.PCIE_MASTER_DISABLE [2] rw */
#define NICSIM_CTRL_PCIE_MASTER_DISABLE_SHIFT   2
#define NICSIM_CTRL_PCIE_MASTER_DISABLE_MASK    0x00000004u

/* STATUS: Device status */
#define NICSIM_STATUS                           0x00008u
#define NICSIM_STATUS_RESET                     0x10080280u

/* STATUS.LINK_SPEED [30:28] ro */
#define NICSIM_STATUS_LINK_SPEED_SHIFT          28
#define NICSIM_STATUS_LINK_SPEED_MASK           0x70000000u
#define NICSIM_STATUS_LINK_SPEED_SPEED_1G       0u
#define NICSIM_STATUS_LINK_SPEED_SPEED_10G      1u
#define NICSIM_STATUS_LINK_SPEED_SPEED_25G      2u
#define NICSIM_STATUS_LINK_SPEED_SPEED_40G      3u
#define NICSIM_STATUS_LINK_SPEED_SPEED_100G     4u

/* STATUS.MASTER_ENABLED [19] ro */
#define NICSIM_STATUS_MASTER_ENABLED_SHIFT      19
#define NICSIM_STATUS_MASTER_ENABLED_MASK       0x00080000u

/* STATUS.INIT_DONE [9] ro */
#define NICSIM_STATUS_INIT_DONE_SHIFT           9
#define NICSIM_STATUS_INIT_DONE_MASK            0x00000200u

/* STATUS.LINK_UP [7] ro */
#define NICSIM_STATUS_LINK_UP_SHIFT             7
#define NICSIM_STATUS_LINK_UP_MASK              0x00000080u

/* IDENT: Device identification */
#define NICSIM_IDENT                            0x00010u
#define NICSIM_IDENT_RESET                      0x4E494353u

/* IDENT.MAGIC [31:0] ro */
#define NICSIM_IDENT_MAGIC_SHIFT                0
#define NICSIM_IDENT_MAGIC_MASK                 0xFFFFFFFFu

/* DEVVER: Register map version */
#define NICSIM_DEVVER                           0x00014u
#define NICSIM_DEVVER_RESET                     0x00010000u

/* DEVVER.MAJOR [31:24] ro */
#define NICSIM_DEVVER_MAJOR_SHIFT               24
#define NICSIM_DEVVER_MAJOR_MASK                0xFF000000u

/* DEVVER.MINOR [23:16] ro */
#define NICSIM_DEVVER_MINOR_SHIFT               16
#define NICSIM_DEVVER_MINOR_MASK                0x00FF0000u

/* DEVCAP: Device capabilities */
#define NICSIM_DEVCAP                           0x00018u
#define NICSIM_DEVCAP_RESET                     0x00400080u

/* DEVCAP.VECTORS [31:16] ro */
#define NICSIM_DEVCAP_VECTORS_SHIFT             16
#define NICSIM_DEVCAP_VECTORS_MASK              0xFFFF0000u

/* DEVCAP.QUEUES [15:0] ro */
#define NICSIM_DEVCAP_QUEUES_SHIFT              0
#define NICSIM_DEVCAP_QUEUES_MASK               0x0000FFFFu

/* SCRATCH: Scratch */
#define NICSIM_SCRATCH                          0x0001Cu
#define NICSIM_SCRATCH_RESET                    0x00000000u

/* SCRATCH.VALUE [31:0] rw */
#define NICSIM_SCRATCH_VALUE_SHIFT              0
#define NICSIM_SCRATCH_VALUE_MASK               0xFFFFFFFFu

/* ACCERR: Register access errors */
#define NICSIM_ACCERR                           0x00020u
#define NICSIM_ACCERR_RESET                     0x00000000u
#define NICSIM_ACCERR_W1C_MASK                  0x0000000Fu

/* ACCERR.RESERVED_WRITE [3] w1c */
#define NICSIM_ACCERR_RESERVED_WRITE_SHIFT      3
#define NICSIM_ACCERR_RESERVED_WRITE_MASK       0x00000008u

/* ACCERR.RO_WRITE [2] w1c */
#define NICSIM_ACCERR_RO_WRITE_SHIFT            2
#define NICSIM_ACCERR_RO_WRITE_MASK             0x00000004u

/* ACCERR.UNALIGNED [1] w1c */
#define NICSIM_ACCERR_UNALIGNED_SHIFT           1
#define NICSIM_ACCERR_UNALIGNED_MASK            0x00000002u

/* ACCERR.UNMAPPED [0] w1c */
#define NICSIM_ACCERR_UNMAPPED_SHIFT            0
#define NICSIM_ACCERR_UNMAPPED_MASK             0x00000001u

/* BADACC: Bad register access count */
#define NICSIM_BADACC                           0x00024u
#define NICSIM_BADACC_RESET                     0x00000000u

/* BADACC.COUNT [31:0] cnt */
#define NICSIM_BADACC_COUNT_SHIFT               0
#define NICSIM_BADACC_COUNT_MASK                0xFFFFFFFFu

#endif /* NICSIM_REGS_H */
