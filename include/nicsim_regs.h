/*
 * nicsim register map and descriptor formats for C drivers.
 *
 * Generated from src/hw/regs/map/ and src/hw/desc/formats.ts by `npm run docs`. Do not
 * edit by hand: change the definitions and regenerate. Reference: docs/registers.md.
 *
 * Offsets are byte offsets into the memory BAR; registers are 32 bits. A field's MASK
 * is in place (already shifted); enum values are field values (shift them to place).
 * A descriptor field's DWORD is the index of its 32-bit little-endian dword within the
 * descriptor (at byte 4 * DWORD); its SHIFT and MASK apply within that dword.
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

/* ---------------------------------------------------------------------------
 * Interrupts: causes, masks, moderation and the queue-to-vector map
 */

/* EICR: Extended interrupt cause */
#define NICSIM_EICR(n)                          (0x00800u + (n) * 0x4u)
#define NICSIM_EICR_COUNT                       2u
#define NICSIM_EICR_STRIDE                      0x4u
#define NICSIM_EICR_RESET                       0x00000000u
#define NICSIM_EICR_W1C_MASK                    0xFFFFFFFFu

/* EICR.VECTORS [31:0] w1c */
#define NICSIM_EICR_VECTORS_SHIFT               0
#define NICSIM_EICR_VECTORS_MASK                0xFFFFFFFFu

/* EICS: Extended interrupt cause set */
#define NICSIM_EICS(n)                          (0x00808u + (n) * 0x4u)
#define NICSIM_EICS_COUNT                       2u
#define NICSIM_EICS_STRIDE                      0x4u
#define NICSIM_EICS_RESET                       0x00000000u

/* EICS.VECTORS [31:0] wo */
#define NICSIM_EICS_VECTORS_SHIFT               0
#define NICSIM_EICS_VECTORS_MASK                0xFFFFFFFFu

/* EIAC: Extended interrupt auto-clear enable */
#define NICSIM_EIAC(n)                          (0x00810u + (n) * 0x4u)
#define NICSIM_EIAC_COUNT                       2u
#define NICSIM_EIAC_STRIDE                      0x4u
#define NICSIM_EIAC_RESET                       0x00000000u

/* EIAC.VECTORS [31:0] rw */
#define NICSIM_EIAC_VECTORS_SHIFT               0
#define NICSIM_EIAC_VECTORS_MASK                0xFFFFFFFFu

/* EIMS: Extended interrupt mask set (and read) */
#define NICSIM_EIMS(n)                          (0x00880u + (n) * 0x4u)
#define NICSIM_EIMS_COUNT                       2u
#define NICSIM_EIMS_STRIDE                      0x4u
#define NICSIM_EIMS_RESET                       0x00000000u

/* EIMS.VECTORS [31:0] w1s */
#define NICSIM_EIMS_VECTORS_SHIFT               0
#define NICSIM_EIMS_VECTORS_MASK                0xFFFFFFFFu

/* EIMC: Extended interrupt mask clear */
#define NICSIM_EIMC(n)                          (0x00888u + (n) * 0x4u)
#define NICSIM_EIMC_COUNT                       2u
#define NICSIM_EIMC_STRIDE                      0x4u
#define NICSIM_EIMC_RESET                       0x00000000u

/* EIMC.VECTORS [31:0] wo */
#define NICSIM_EIMC_VECTORS_SHIFT               0
#define NICSIM_EIMC_VECTORS_MASK                0xFFFFFFFFu

/* EIAM: Extended interrupt auto-mask enable */
#define NICSIM_EIAM(n)                          (0x00890u + (n) * 0x4u)
#define NICSIM_EIAM_COUNT                       2u
#define NICSIM_EIAM_STRIDE                      0x4u
#define NICSIM_EIAM_RESET                       0x00000000u

/* EIAM.VECTORS [31:0] rw */
#define NICSIM_EIAM_VECTORS_SHIFT               0
#define NICSIM_EIAM_VECTORS_MASK                0xFFFFFFFFu

/* IVAR: Queue interrupt allocation */
#define NICSIM_IVAR(n)                          (0x00900u + (n) * 0x4u)
#define NICSIM_IVAR_COUNT                       128u
#define NICSIM_IVAR_STRIDE                      0x4u
#define NICSIM_IVAR_RESET                       0x00000000u

/* IVAR.TX_VALID [15] rw */
#define NICSIM_IVAR_TX_VALID_SHIFT              15
#define NICSIM_IVAR_TX_VALID_MASK               0x00008000u

/* IVAR.TX_VECTOR [13:8] rw */
#define NICSIM_IVAR_TX_VECTOR_SHIFT             8
#define NICSIM_IVAR_TX_VECTOR_MASK              0x00003F00u

/* IVAR.RX_VALID [7] rw */
#define NICSIM_IVAR_RX_VALID_SHIFT              7
#define NICSIM_IVAR_RX_VALID_MASK               0x00000080u

/* IVAR.RX_VECTOR [5:0] rw */
#define NICSIM_IVAR_RX_VECTOR_SHIFT             0
#define NICSIM_IVAR_RX_VECTOR_MASK              0x0000003Fu

/* IVAR_MISC: Other-cause interrupt allocation */
#define NICSIM_IVAR_MISC                        0x00B00u
#define NICSIM_IVAR_MISC_RESET                  0x00000000u

/* IVAR_MISC.VALID [7] rw */
#define NICSIM_IVAR_MISC_VALID_SHIFT            7
#define NICSIM_IVAR_MISC_VALID_MASK             0x00000080u

/* IVAR_MISC.VECTOR [5:0] rw */
#define NICSIM_IVAR_MISC_VECTOR_SHIFT           0
#define NICSIM_IVAR_MISC_VECTOR_MASK            0x0000003Fu

/* OCR: Other interrupt causes */
#define NICSIM_OCR                              0x00B04u
#define NICSIM_OCR_RESET                        0x00000000u
#define NICSIM_OCR_W1C_MASK                     0x00000007u

/* OCR.TX_DESC_ERROR [2] w1c */
#define NICSIM_OCR_TX_DESC_ERROR_SHIFT          2
#define NICSIM_OCR_TX_DESC_ERROR_MASK           0x00000004u

/* OCR.TX_DMA_FAULT [1] w1c */
#define NICSIM_OCR_TX_DMA_FAULT_SHIFT           1
#define NICSIM_OCR_TX_DMA_FAULT_MASK            0x00000002u

/* OCR.RX_DMA_FAULT [0] w1c */
#define NICSIM_OCR_RX_DMA_FAULT_SHIFT           0
#define NICSIM_OCR_RX_DMA_FAULT_MASK            0x00000001u

/* FADDRL: Fault address (low) */
#define NICSIM_FADDRL                           0x00B08u
#define NICSIM_FADDRL_RESET                     0x00000000u

/* FADDRL.ADDR [31:0] ro */
#define NICSIM_FADDRL_ADDR_SHIFT                0
#define NICSIM_FADDRL_ADDR_MASK                 0xFFFFFFFFu

/* FADDRH: Fault address (high) */
#define NICSIM_FADDRH                           0x00B0Cu
#define NICSIM_FADDRH_RESET                     0x00000000u

/* FADDRH.ADDR [31:0] ro */
#define NICSIM_FADDRH_ADDR_SHIFT                0
#define NICSIM_FADDRH_ADDR_MASK                 0xFFFFFFFFu

/* FQUEUE: Fault queue */
#define NICSIM_FQUEUE                           0x00B10u
#define NICSIM_FQUEUE_RESET                     0x00000000u

/* FQUEUE.TX [16] ro */
#define NICSIM_FQUEUE_TX_SHIFT                  16
#define NICSIM_FQUEUE_TX_MASK                   0x00010000u

/* FQUEUE.QUEUE [15:0] ro */
#define NICSIM_FQUEUE_QUEUE_SHIFT               0
#define NICSIM_FQUEUE_QUEUE_MASK                0x0000FFFFu

/* EITR: Interrupt throttle (moderation) */
#define NICSIM_EITR(n)                          (0x00C00u + (n) * 0x4u)
#define NICSIM_EITR_COUNT                       64u
#define NICSIM_EITR_STRIDE                      0x4u
#define NICSIM_EITR_RESET                       0x00000000u

/* EITR.CNT_WDIS [31] wo */
#define NICSIM_EITR_CNT_WDIS_SHIFT              31
#define NICSIM_EITR_CNT_WDIS_MASK               0x80000000u

/* EITR.INTERVAL [11:3] rw */
#define NICSIM_EITR_INTERVAL_SHIFT              3
#define NICSIM_EITR_INTERVAL_MASK               0x00000FF8u

/* VICNT: Messages sent per vector */
#define NICSIM_VICNT(n)                         (0x00D00u + (n) * 0x4u)
#define NICSIM_VICNT_COUNT                      64u
#define NICSIM_VICNT_STRIDE                     0x4u
#define NICSIM_VICNT_RESET                      0x00000000u

/* VICNT.COUNT [31:0] cnt */
#define NICSIM_VICNT_COUNT_SHIFT                0
#define NICSIM_VICNT_COUNT_MASK                 0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * Receive queues
 */

/* RDBAL: Receive descriptor base address (low) */
#define NICSIM_RDBAL(n)                         (0x01000u + (n) * 0x40u)
#define NICSIM_RDBAL_COUNT                      128u
#define NICSIM_RDBAL_STRIDE                     0x40u
#define NICSIM_RDBAL_RESET                      0x00000000u

/* RDBAL.ADDR [31:7] rw */
#define NICSIM_RDBAL_ADDR_SHIFT                 7
#define NICSIM_RDBAL_ADDR_MASK                  0xFFFFFF80u

/* RDBAH: Receive descriptor base address (high) */
#define NICSIM_RDBAH(n)                         (0x01004u + (n) * 0x40u)
#define NICSIM_RDBAH_COUNT                      128u
#define NICSIM_RDBAH_STRIDE                     0x40u
#define NICSIM_RDBAH_RESET                      0x00000000u

/* RDBAH.ADDR [31:0] rw */
#define NICSIM_RDBAH_ADDR_SHIFT                 0
#define NICSIM_RDBAH_ADDR_MASK                  0xFFFFFFFFu

/* RDLEN: Receive descriptor ring length */
#define NICSIM_RDLEN(n)                         (0x01008u + (n) * 0x40u)
#define NICSIM_RDLEN_COUNT                      128u
#define NICSIM_RDLEN_STRIDE                     0x40u
#define NICSIM_RDLEN_RESET                      0x00000000u

/* RDLEN.LEN [19:7] rw */
#define NICSIM_RDLEN_LEN_SHIFT                  7
#define NICSIM_RDLEN_LEN_MASK                   0x000FFF80u

/* RDH: Receive descriptor head */
#define NICSIM_RDH(n)                           (0x01010u + (n) * 0x40u)
#define NICSIM_RDH_COUNT                        128u
#define NICSIM_RDH_STRIDE                       0x40u
#define NICSIM_RDH_RESET                        0x00000000u

/* RDH.HEAD [15:0] rw */
#define NICSIM_RDH_HEAD_SHIFT                   0
#define NICSIM_RDH_HEAD_MASK                    0x0000FFFFu

/* SRRCTL: Receive buffer size and drop control */
#define NICSIM_SRRCTL(n)                        (0x01014u + (n) * 0x40u)
#define NICSIM_SRRCTL_COUNT                     128u
#define NICSIM_SRRCTL_STRIDE                    0x40u
#define NICSIM_SRRCTL_RESET                     0x00000002u

/* SRRCTL.DROP_EN [28] rw */
#define NICSIM_SRRCTL_DROP_EN_SHIFT             28
#define NICSIM_SRRCTL_DROP_EN_MASK              0x10000000u

/* SRRCTL.BSIZEPACKET [4:0] rw */
#define NICSIM_SRRCTL_BSIZEPACKET_SHIFT         0
#define NICSIM_SRRCTL_BSIZEPACKET_MASK          0x0000001Fu

/* RDT: Receive descriptor tail */
#define NICSIM_RDT(n)                           (0x01018u + (n) * 0x40u)
#define NICSIM_RDT_COUNT                        128u
#define NICSIM_RDT_STRIDE                       0x40u
#define NICSIM_RDT_RESET                        0x00000000u

/* RDT.TAIL [15:0] rw */
#define NICSIM_RDT_TAIL_SHIFT                   0
#define NICSIM_RDT_TAIL_MASK                    0x0000FFFFu

/* RXDCTL: Receive descriptor control */
#define NICSIM_RXDCTL(n)                        (0x01028u + (n) * 0x40u)
#define NICSIM_RXDCTL_COUNT                     128u
#define NICSIM_RXDCTL_STRIDE                    0x40u
#define NICSIM_RXDCTL_RESET                     0x00000000u

/* RXDCTL.FAULT [27] ro */
#define NICSIM_RXDCTL_FAULT_SHIFT               27
#define NICSIM_RXDCTL_FAULT_MASK                0x08000000u

/* RXDCTL.ENABLE [25] rw */
#define NICSIM_RXDCTL_ENABLE_SHIFT              25
#define NICSIM_RXDCTL_ENABLE_MASK               0x02000000u

/* RXDCTL.WTHRESH [22:16] rw */
#define NICSIM_RXDCTL_WTHRESH_SHIFT             16
#define NICSIM_RXDCTL_WTHRESH_MASK              0x007F0000u

/* RXDCTL.HTHRESH [14:8] rw */
#define NICSIM_RXDCTL_HTHRESH_SHIFT             8
#define NICSIM_RXDCTL_HTHRESH_MASK              0x00007F00u

/* RXDCTL.PTHRESH [6:0] rw */
#define NICSIM_RXDCTL_PTHRESH_SHIFT             0
#define NICSIM_RXDCTL_PTHRESH_MASK              0x0000007Fu

/* QRNBC: Receive no-descriptor events */
#define NICSIM_QRNBC(n)                         (0x0102Cu + (n) * 0x40u)
#define NICSIM_QRNBC_COUNT                      128u
#define NICSIM_QRNBC_STRIDE                     0x40u
#define NICSIM_QRNBC_RESET                      0x00000000u

/* QRNBC.COUNT [31:0] cnt */
#define NICSIM_QRNBC_COUNT_SHIFT                0
#define NICSIM_QRNBC_COUNT_MASK                 0xFFFFFFFFu

/* QPRC: Queue frames received */
#define NICSIM_QPRC(n)                          (0x01030u + (n) * 0x40u)
#define NICSIM_QPRC_COUNT                       128u
#define NICSIM_QPRC_STRIDE                      0x40u
#define NICSIM_QPRC_RESET                       0x00000000u

/* QPRC.COUNT [31:0] cnt */
#define NICSIM_QPRC_COUNT_SHIFT                 0
#define NICSIM_QPRC_COUNT_MASK                  0xFFFFFFFFu

/* QPRDC: Queue frames dropped */
#define NICSIM_QPRDC(n)                         (0x01034u + (n) * 0x40u)
#define NICSIM_QPRDC_COUNT                      128u
#define NICSIM_QPRDC_STRIDE                     0x40u
#define NICSIM_QPRDC_RESET                      0x00000000u

/* QPRDC.COUNT [31:0] cnt */
#define NICSIM_QPRDC_COUNT_SHIFT                0
#define NICSIM_QPRDC_COUNT_MASK                 0xFFFFFFFFu

/* QBRCL: Queue bytes received (low 32 bits) */
#define NICSIM_QBRCL(n)                         (0x01038u + (n) * 0x40u)
#define NICSIM_QBRCL_COUNT                      128u
#define NICSIM_QBRCL_STRIDE                     0x40u
#define NICSIM_QBRCL_RESET                      0x00000000u

/* QBRCL.COUNT [31:0] cnt */
#define NICSIM_QBRCL_COUNT_SHIFT                0
#define NICSIM_QBRCL_COUNT_MASK                 0xFFFFFFFFu

/* QBRCH: Queue bytes received (high 32 bits) */
#define NICSIM_QBRCH(n)                         (0x0103Cu + (n) * 0x40u)
#define NICSIM_QBRCH_COUNT                      128u
#define NICSIM_QBRCH_STRIDE                     0x40u
#define NICSIM_QBRCH_RESET                      0x00000000u

/* QBRCH.COUNT [31:0] cnt */
#define NICSIM_QBRCH_COUNT_SHIFT                0
#define NICSIM_QBRCH_COUNT_MASK                 0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * MAC, wire and device-wide statistics
 */

/* CRCERRS: CRC errors */
#define NICSIM_CRCERRS                          0x04000u
#define NICSIM_CRCERRS_RESET                    0x00000000u

/* CRCERRS.COUNT [31:0] cnt */
#define NICSIM_CRCERRS_COUNT_SHIFT              0
#define NICSIM_CRCERRS_COUNT_MASK               0xFFFFFFFFu

/* RUC: Receive undersize */
#define NICSIM_RUC                              0x04004u
#define NICSIM_RUC_RESET                        0x00000000u

/* RUC.COUNT [31:0] cnt */
#define NICSIM_RUC_COUNT_SHIFT                  0
#define NICSIM_RUC_COUNT_MASK                   0xFFFFFFFFu

/* ROC: Receive oversize */
#define NICSIM_ROC                              0x04008u
#define NICSIM_ROC_RESET                        0x00000000u

/* ROC.COUNT [31:0] cnt */
#define NICSIM_ROC_COUNT_SHIFT                  0
#define NICSIM_ROC_COUNT_MASK                   0xFFFFFFFFu

/* MPC: Missed frames */
#define NICSIM_MPC                              0x0400Cu
#define NICSIM_MPC_RESET                        0x00000000u

/* MPC.COUNT [31:0] cnt */
#define NICSIM_MPC_COUNT_SHIFT                  0
#define NICSIM_MPC_COUNT_MASK                   0xFFFFFFFFu

/* GPRC: Good frames received */
#define NICSIM_GPRC                             0x04010u
#define NICSIM_GPRC_RESET                       0x00000000u

/* GPRC.COUNT [31:0] cnt */
#define NICSIM_GPRC_COUNT_SHIFT                 0
#define NICSIM_GPRC_COUNT_MASK                  0xFFFFFFFFu

/* GPTC: Good frames sent */
#define NICSIM_GPTC                             0x04014u
#define NICSIM_GPTC_RESET                       0x00000000u

/* GPTC.COUNT [31:0] cnt */
#define NICSIM_GPTC_COUNT_SHIFT                 0
#define NICSIM_GPTC_COUNT_MASK                  0xFFFFFFFFu

/* GORCL: Good bytes received (low 32 bits) */
#define NICSIM_GORCL                            0x04018u
#define NICSIM_GORCL_RESET                      0x00000000u

/* GORCL.COUNT [31:0] cnt */
#define NICSIM_GORCL_COUNT_SHIFT                0
#define NICSIM_GORCL_COUNT_MASK                 0xFFFFFFFFu

/* GORCH: Good bytes received (high 32 bits) */
#define NICSIM_GORCH                            0x0401Cu
#define NICSIM_GORCH_RESET                      0x00000000u

/* GORCH.COUNT [31:0] cnt */
#define NICSIM_GORCH_COUNT_SHIFT                0
#define NICSIM_GORCH_COUNT_MASK                 0xFFFFFFFFu

/* GOTCL: Good bytes sent (low 32 bits) */
#define NICSIM_GOTCL                            0x04020u
#define NICSIM_GOTCL_RESET                      0x00000000u

/* GOTCL.COUNT [31:0] cnt */
#define NICSIM_GOTCL_COUNT_SHIFT                0
#define NICSIM_GOTCL_COUNT_MASK                 0xFFFFFFFFu

/* GOTCH: Good bytes sent (high 32 bits) */
#define NICSIM_GOTCH                            0x04024u
#define NICSIM_GOTCH_RESET                      0x00000000u

/* GOTCH.COUNT [31:0] cnt */
#define NICSIM_GOTCH_COUNT_SHIFT                0
#define NICSIM_GOTCH_COUNT_MASK                 0xFFFFFFFFu

/* RXDMADC: Frames dropped by receive DMA faults */
#define NICSIM_RXDMADC                          0x04028u
#define NICSIM_RXDMADC_RESET                    0x00000000u

/* RXDMADC.COUNT [31:0] cnt */
#define NICSIM_RXDMADC_COUNT_SHIFT              0
#define NICSIM_RXDMADC_COUNT_MASK               0xFFFFFFFFu

/* DMAFC: DMA faults */
#define NICSIM_DMAFC                            0x0402Cu
#define NICSIM_DMAFC_RESET                      0x00000000u

/* DMAFC.COUNT [31:0] cnt */
#define NICSIM_DMAFC_COUNT_SHIFT                0
#define NICSIM_DMAFC_COUNT_MASK                 0xFFFFFFFFu

/* TXDERR: Transmit descriptors refused */
#define NICSIM_TXDERR                           0x04030u
#define NICSIM_TXDERR_RESET                     0x00000000u

/* TXDERR.COUNT [31:0] cnt */
#define NICSIM_TXDERR_COUNT_SHIFT               0
#define NICSIM_TXDERR_COUNT_MASK                0xFFFFFFFFu

/* LSOERR: LSO requests refused */
#define NICSIM_LSOERR                           0x04034u
#define NICSIM_LSOERR_RESET                     0x00000000u

/* LSOERR.COUNT [31:0] cnt */
#define NICSIM_LSOERR_COUNT_SHIFT               0
#define NICSIM_LSOERR_COUNT_MASK                0xFFFFFFFFu

/* MAXFRS: Maximum frame size */
#define NICSIM_MAXFRS                           0x04268u
#define NICSIM_MAXFRS_RESET                     0x05EE0000u

/* MAXFRS.MFS [31:16] rw */
#define NICSIM_MAXFRS_MFS_SHIFT                 16
#define NICSIM_MAXFRS_MFS_MASK                  0xFFFF0000u

/* ---------------------------------------------------------------------------
 * Transmit queues
 */

/* TDBAL: Transmit descriptor base address (low) */
#define NICSIM_TDBAL(n)                         (0x06000u + (n) * 0x40u)
#define NICSIM_TDBAL_COUNT                      128u
#define NICSIM_TDBAL_STRIDE                     0x40u
#define NICSIM_TDBAL_RESET                      0x00000000u

/* TDBAL.ADDR [31:7] rw */
#define NICSIM_TDBAL_ADDR_SHIFT                 7
#define NICSIM_TDBAL_ADDR_MASK                  0xFFFFFF80u

/* TDBAH: Transmit descriptor base address (high) */
#define NICSIM_TDBAH(n)                         (0x06004u + (n) * 0x40u)
#define NICSIM_TDBAH_COUNT                      128u
#define NICSIM_TDBAH_STRIDE                     0x40u
#define NICSIM_TDBAH_RESET                      0x00000000u

/* TDBAH.ADDR [31:0] rw */
#define NICSIM_TDBAH_ADDR_SHIFT                 0
#define NICSIM_TDBAH_ADDR_MASK                  0xFFFFFFFFu

/* TDLEN: Transmit descriptor ring length */
#define NICSIM_TDLEN(n)                         (0x06008u + (n) * 0x40u)
#define NICSIM_TDLEN_COUNT                      128u
#define NICSIM_TDLEN_STRIDE                     0x40u
#define NICSIM_TDLEN_RESET                      0x00000000u

/* TDLEN.LEN [19:7] rw */
#define NICSIM_TDLEN_LEN_SHIFT                  7
#define NICSIM_TDLEN_LEN_MASK                   0x000FFF80u

/* TDH: Transmit descriptor head */
#define NICSIM_TDH(n)                           (0x06010u + (n) * 0x40u)
#define NICSIM_TDH_COUNT                        128u
#define NICSIM_TDH_STRIDE                       0x40u
#define NICSIM_TDH_RESET                        0x00000000u

/* TDH.HEAD [15:0] rw */
#define NICSIM_TDH_HEAD_SHIFT                   0
#define NICSIM_TDH_HEAD_MASK                    0x0000FFFFu

/* TDT: Transmit descriptor tail */
#define NICSIM_TDT(n)                           (0x06018u + (n) * 0x40u)
#define NICSIM_TDT_COUNT                        128u
#define NICSIM_TDT_STRIDE                       0x40u
#define NICSIM_TDT_RESET                        0x00000000u

/* TDT.TAIL [15:0] rw */
#define NICSIM_TDT_TAIL_SHIFT                   0
#define NICSIM_TDT_TAIL_MASK                    0x0000FFFFu

/* TXDCTL: Transmit descriptor control */
#define NICSIM_TXDCTL(n)                        (0x06028u + (n) * 0x40u)
#define NICSIM_TXDCTL_COUNT                     128u
#define NICSIM_TXDCTL_STRIDE                    0x40u
#define NICSIM_TXDCTL_RESET                     0x00000000u

/* TXDCTL.FAULT [27] ro */
#define NICSIM_TXDCTL_FAULT_SHIFT               27
#define NICSIM_TXDCTL_FAULT_MASK                0x08000000u

/* TXDCTL.ENABLE [25] rw */
#define NICSIM_TXDCTL_ENABLE_SHIFT              25
#define NICSIM_TXDCTL_ENABLE_MASK               0x02000000u

/* TXDCTL.WTHRESH [22:16] rw */
#define NICSIM_TXDCTL_WTHRESH_SHIFT             16
#define NICSIM_TXDCTL_WTHRESH_MASK              0x007F0000u

/* TXDCTL.HTHRESH [14:8] rw */
#define NICSIM_TXDCTL_HTHRESH_SHIFT             8
#define NICSIM_TXDCTL_HTHRESH_MASK              0x00007F00u

/* TXDCTL.PTHRESH [6:0] rw */
#define NICSIM_TXDCTL_PTHRESH_SHIFT             0
#define NICSIM_TXDCTL_PTHRESH_MASK              0x0000007Fu

/* QPTC: Queue frames sent */
#define NICSIM_QPTC(n)                          (0x06030u + (n) * 0x40u)
#define NICSIM_QPTC_COUNT                       128u
#define NICSIM_QPTC_STRIDE                      0x40u
#define NICSIM_QPTC_RESET                       0x00000000u

/* QPTC.COUNT [31:0] cnt */
#define NICSIM_QPTC_COUNT_SHIFT                 0
#define NICSIM_QPTC_COUNT_MASK                  0xFFFFFFFFu

/* QBTCL: Queue bytes sent (low 32 bits) */
#define NICSIM_QBTCL(n)                         (0x06038u + (n) * 0x40u)
#define NICSIM_QBTCL_COUNT                      128u
#define NICSIM_QBTCL_STRIDE                     0x40u
#define NICSIM_QBTCL_RESET                      0x00000000u

/* QBTCL.COUNT [31:0] cnt */
#define NICSIM_QBTCL_COUNT_SHIFT                0
#define NICSIM_QBTCL_COUNT_MASK                 0xFFFFFFFFu

/* QBTCH: Queue bytes sent (high 32 bits) */
#define NICSIM_QBTCH(n)                         (0x0603Cu + (n) * 0x40u)
#define NICSIM_QBTCH_COUNT                      128u
#define NICSIM_QBTCH_STRIDE                     0x40u
#define NICSIM_QBTCH_RESET                      0x00000000u

/* QBTCH.COUNT [31:0] cnt */
#define NICSIM_QBTCH_COUNT_SHIFT                0
#define NICSIM_QBTCH_COUNT_MASK                 0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * Receive-side scaling (RSS)
 */

/* MRQC: Multiple receive queues command */
#define NICSIM_MRQC                             0x05818u
#define NICSIM_MRQC_RESET                       0x00000000u

/* MRQC.UDP_IPV6_EX [24] rw */
#define NICSIM_MRQC_UDP_IPV6_EX_SHIFT           24
#define NICSIM_MRQC_UDP_IPV6_EX_MASK            0x01000000u

/* MRQC.UDP_IPV6 [23] rw */
#define NICSIM_MRQC_UDP_IPV6_SHIFT              23
#define NICSIM_MRQC_UDP_IPV6_MASK               0x00800000u

/* MRQC.UDP_IPV4 [22] rw */
#define NICSIM_MRQC_UDP_IPV4_SHIFT              22
#define NICSIM_MRQC_UDP_IPV4_MASK               0x00400000u

/* MRQC.TCP_IPV6 [21] rw */
#define NICSIM_MRQC_TCP_IPV6_SHIFT              21
#define NICSIM_MRQC_TCP_IPV6_MASK               0x00200000u

/* MRQC.IPV6 [20] rw */
#define NICSIM_MRQC_IPV6_SHIFT                  20
#define NICSIM_MRQC_IPV6_MASK                   0x00100000u

/* MRQC.IPV6_EX [19] rw */
#define NICSIM_MRQC_IPV6_EX_SHIFT               19
#define NICSIM_MRQC_IPV6_EX_MASK                0x00080000u

/* MRQC.TCP_IPV6_EX [18] rw */
#define NICSIM_MRQC_TCP_IPV6_EX_SHIFT           18
#define NICSIM_MRQC_TCP_IPV6_EX_MASK            0x00040000u

/* MRQC.IPV4 [17] rw */
#define NICSIM_MRQC_IPV4_SHIFT                  17
#define NICSIM_MRQC_IPV4_MASK                   0x00020000u

/* MRQC.TCP_IPV4 [16] rw */
#define NICSIM_MRQC_TCP_IPV4_SHIFT              16
#define NICSIM_MRQC_TCP_IPV4_MASK               0x00010000u

/* MRQC.MRQE [3:0] rw */
#define NICSIM_MRQC_MRQE_SHIFT                  0
#define NICSIM_MRQC_MRQE_MASK                   0x0000000Fu
#define NICSIM_MRQC_MRQE_NONE                   0u
#define NICSIM_MRQC_MRQE_RSS                    1u

/* RSSRK: RSS secret key */
#define NICSIM_RSSRK(n)                         (0x05C80u + (n) * 0x4u)
#define NICSIM_RSSRK_COUNT                      10u
#define NICSIM_RSSRK_STRIDE                     0x4u
#define NICSIM_RSSRK_RESET                      0x00000000u

/* RSSRK.KEY [31:0] rw */
#define NICSIM_RSSRK_KEY_SHIFT                  0
#define NICSIM_RSSRK_KEY_MASK                   0xFFFFFFFFu

/* RETA: RSS redirection table */
#define NICSIM_RETA(n)                          (0x05C00u + (n) * 0x4u)
#define NICSIM_RETA_COUNT                       32u
#define NICSIM_RETA_STRIDE                      0x4u
#define NICSIM_RETA_RESET                       0x00000000u

/* RETA.ENTRY3 [30:24] rw */
#define NICSIM_RETA_ENTRY3_SHIFT                24
#define NICSIM_RETA_ENTRY3_MASK                 0x7F000000u

/* RETA.ENTRY2 [22:16] rw */
#define NICSIM_RETA_ENTRY2_SHIFT                16
#define NICSIM_RETA_ENTRY2_MASK                 0x007F0000u

/* RETA.ENTRY1 [14:8] rw */
#define NICSIM_RETA_ENTRY1_SHIFT                8
#define NICSIM_RETA_ENTRY1_MASK                 0x00007F00u

/* RETA.ENTRY0 [6:0] rw */
#define NICSIM_RETA_ENTRY0_SHIFT                0
#define NICSIM_RETA_ENTRY0_MASK                 0x0000007Fu

/* ---------------------------------------------------------------------------
 * VMQ receive filters and receive checksum control
 */

/* RAL: Receive address low (filter n) */
#define NICSIM_RAL(n)                           (0x0A200u + (n) * 0x10u)
#define NICSIM_RAL_COUNT                        128u
#define NICSIM_RAL_STRIDE                       0x10u
#define NICSIM_RAL_RESET                        0x00000000u

/* RAL.ADDR [31:0] rw */
#define NICSIM_RAL_ADDR_SHIFT                   0
#define NICSIM_RAL_ADDR_MASK                    0xFFFFFFFFu

/* RAH: Receive address high (filter n) */
#define NICSIM_RAH(n)                           (0x0A204u + (n) * 0x10u)
#define NICSIM_RAH_COUNT                        128u
#define NICSIM_RAH_STRIDE                       0x10u
#define NICSIM_RAH_RESET                        0x00000000u

/* RAH.AV [31] rw */
#define NICSIM_RAH_AV_SHIFT                     31
#define NICSIM_RAH_AV_MASK                      0x80000000u

/* RAH.ADDR [15:0] rw */
#define NICSIM_RAH_ADDR_SHIFT                   0
#define NICSIM_RAH_ADDR_MASK                    0x0000FFFFu

/* VMQF: Filter queue and VLAN (filter n) */
#define NICSIM_VMQF(n)                          (0x0A208u + (n) * 0x10u)
#define NICSIM_VMQF_COUNT                       128u
#define NICSIM_VMQF_STRIDE                      0x10u
#define NICSIM_VMQF_RESET                       0x00000000u

/* VMQF.VLAN_MATCH [28] rw */
#define NICSIM_VMQF_VLAN_MATCH_SHIFT            28
#define NICSIM_VMQF_VLAN_MATCH_MASK             0x10000000u

/* VMQF.VLAN_ID [27:16] rw */
#define NICSIM_VMQF_VLAN_ID_SHIFT               16
#define NICSIM_VMQF_VLAN_ID_MASK                0x0FFF0000u

/* VMQF.QUEUE [6:0] rw */
#define NICSIM_VMQF_QUEUE_SHIFT                 0
#define NICSIM_VMQF_QUEUE_MASK                  0x0000007Fu

/* VMQCTL: VMQ control */
#define NICSIM_VMQCTL                           0x051B0u
#define NICSIM_VMQCTL_RESET                     0x00000000u

/* VMQCTL.DEFAULT_QUEUE [13:7] rw */
#define NICSIM_VMQCTL_DEFAULT_QUEUE_SHIFT       7
#define NICSIM_VMQCTL_DEFAULT_QUEUE_MASK        0x00003F80u

/* VMQCTL.VMQ_EN [0] rw */
#define NICSIM_VMQCTL_VMQ_EN_SHIFT              0
#define NICSIM_VMQCTL_VMQ_EN_MASK               0x00000001u

/* RXCSUM: Receive checksum control */
#define NICSIM_RXCSUM                           0x05000u
#define NICSIM_RXCSUM_RESET                     0x00000300u

/* RXCSUM.TUOFLD [9] rw */
#define NICSIM_RXCSUM_TUOFLD_SHIFT              9
#define NICSIM_RXCSUM_TUOFLD_MASK               0x00000200u

/* RXCSUM.IPOFLD [8] rw */
#define NICSIM_RXCSUM_IPOFLD_SHIFT              8
#define NICSIM_RXCSUM_IPOFLD_MASK               0x00000100u

/* IPCSERR: IPv4 header checksum errors */
#define NICSIM_IPCSERR                          0x04040u
#define NICSIM_IPCSERR_RESET                    0x00000000u

/* IPCSERR.COUNT [31:0] cnt */
#define NICSIM_IPCSERR_COUNT_SHIFT              0
#define NICSIM_IPCSERR_COUNT_MASK               0xFFFFFFFFu

/* L4CSERR: TCP/UDP checksum errors */
#define NICSIM_L4CSERR                          0x04044u
#define NICSIM_L4CSERR_RESET                    0x00000000u

/* L4CSERR.COUNT [31:0] cnt */
#define NICSIM_L4CSERR_COUNT_SHIFT              0
#define NICSIM_L4CSERR_COUNT_MASK               0xFFFFFFFFu

/* BPRC: Broadcast frames received */
#define NICSIM_BPRC                             0x04048u
#define NICSIM_BPRC_RESET                       0x00000000u

/* BPRC.COUNT [31:0] cnt */
#define NICSIM_BPRC_COUNT_SHIFT                 0
#define NICSIM_BPRC_COUNT_MASK                  0xFFFFFFFFu

/* MPRC: Multicast frames received */
#define NICSIM_MPRC                             0x0404Cu
#define NICSIM_MPRC_RESET                       0x00000000u

/* MPRC.COUNT [31:0] cnt */
#define NICSIM_MPRC_COUNT_SHIFT                 0
#define NICSIM_MPRC_COUNT_MASK                  0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * MSI-X table and pending bits
 */

/* MSIXAL: MSI-X message address (low) */
#define NICSIM_MSIXAL(n)                        (0x10000u + (n) * 0x10u)
#define NICSIM_MSIXAL_COUNT                     64u
#define NICSIM_MSIXAL_STRIDE                    0x10u
#define NICSIM_MSIXAL_RESET                     0x00000000u

/* MSIXAL.ADDR [31:2] rw */
#define NICSIM_MSIXAL_ADDR_SHIFT                2
#define NICSIM_MSIXAL_ADDR_MASK                 0xFFFFFFFCu

/* MSIXAH: MSI-X message address (high) */
#define NICSIM_MSIXAH(n)                        (0x10004u + (n) * 0x10u)
#define NICSIM_MSIXAH_COUNT                     64u
#define NICSIM_MSIXAH_STRIDE                    0x10u
#define NICSIM_MSIXAH_RESET                     0x00000000u

/* MSIXAH.ADDR [31:0] rw */
#define NICSIM_MSIXAH_ADDR_SHIFT                0
#define NICSIM_MSIXAH_ADDR_MASK                 0xFFFFFFFFu

/* MSIXDATA: MSI-X message data */
#define NICSIM_MSIXDATA(n)                      (0x10008u + (n) * 0x10u)
#define NICSIM_MSIXDATA_COUNT                   64u
#define NICSIM_MSIXDATA_STRIDE                  0x10u
#define NICSIM_MSIXDATA_RESET                   0x00000000u

/* MSIXDATA.DATA [31:0] rw */
#define NICSIM_MSIXDATA_DATA_SHIFT              0
#define NICSIM_MSIXDATA_DATA_MASK               0xFFFFFFFFu

/* MSIXVCTRL: MSI-X vector control */
#define NICSIM_MSIXVCTRL(n)                     (0x1000Cu + (n) * 0x10u)
#define NICSIM_MSIXVCTRL_COUNT                  64u
#define NICSIM_MSIXVCTRL_STRIDE                 0x10u
#define NICSIM_MSIXVCTRL_RESET                  0x00000001u

/* MSIXVCTRL.MASK [0] rw */
#define NICSIM_MSIXVCTRL_MASK_SHIFT             0
#define NICSIM_MSIXVCTRL_MASK_MASK              0x00000001u

/* MSIXPBA: MSI-X pending bits */
#define NICSIM_MSIXPBA(n)                       (0x11000u + (n) * 0x4u)
#define NICSIM_MSIXPBA_COUNT                    2u
#define NICSIM_MSIXPBA_STRIDE                   0x4u
#define NICSIM_MSIXPBA_RESET                    0x00000000u

/* MSIXPBA.PENDING [31:0] ro */
#define NICSIM_MSIXPBA_PENDING_SHIFT            0
#define NICSIM_MSIXPBA_PENDING_MASK             0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * Descriptors: 16-byte ring entries of little-endian 32-bit dwords
 */
#define NICSIM_DESC_BYTES                       16u

/* ---------------------------------------------------------------------------
 * RX_READ: Receive descriptor, read format (written by software)
 */

/* RX_READ.BUFFER_ADDR_LO dword 0 [31:0] */
#define NICSIM_RX_READ_BUFFER_ADDR_LO_DWORD     0u
#define NICSIM_RX_READ_BUFFER_ADDR_LO_SHIFT     0
#define NICSIM_RX_READ_BUFFER_ADDR_LO_MASK      0xFFFFFFFFu

/* RX_READ.BUFFER_ADDR_HI dword 1 [31:0] */
#define NICSIM_RX_READ_BUFFER_ADDR_HI_DWORD     1u
#define NICSIM_RX_READ_BUFFER_ADDR_HI_SHIFT     0
#define NICSIM_RX_READ_BUFFER_ADDR_HI_MASK      0xFFFFFFFFu

/* RX_READ.ZERO dword 2 [31:0] */
#define NICSIM_RX_READ_ZERO_DWORD               2u
#define NICSIM_RX_READ_ZERO_SHIFT               0
#define NICSIM_RX_READ_ZERO_MASK                0xFFFFFFFFu

/* ---------------------------------------------------------------------------
 * RX_WRITEBACK: Receive descriptor, write-back format (written by the device)
 */

/* RX_WRITEBACK.FILTER_VALID dword 0 [24] */
#define NICSIM_RX_WRITEBACK_FILTER_VALID_DWORD  0u
#define NICSIM_RX_WRITEBACK_FILTER_VALID_SHIFT  24
#define NICSIM_RX_WRITEBACK_FILTER_VALID_MASK   0x01000000u

/* RX_WRITEBACK.FILTER dword 0 [23:16] */
#define NICSIM_RX_WRITEBACK_FILTER_DWORD        0u
#define NICSIM_RX_WRITEBACK_FILTER_SHIFT        16
#define NICSIM_RX_WRITEBACK_FILTER_MASK         0x00FF0000u

/* RX_WRITEBACK.PKT_TYPE dword 0 [15:4] */
#define NICSIM_RX_WRITEBACK_PKT_TYPE_DWORD      0u
#define NICSIM_RX_WRITEBACK_PKT_TYPE_SHIFT      4
#define NICSIM_RX_WRITEBACK_PKT_TYPE_MASK       0x0000FFF0u

/* RX_WRITEBACK.RSS_TYPE dword 0 [3:0] */
#define NICSIM_RX_WRITEBACK_RSS_TYPE_DWORD      0u
#define NICSIM_RX_WRITEBACK_RSS_TYPE_SHIFT      0
#define NICSIM_RX_WRITEBACK_RSS_TYPE_MASK       0x0000000Fu

/* RX_WRITEBACK.RSS_HASH dword 1 [31:0] */
#define NICSIM_RX_WRITEBACK_RSS_HASH_DWORD      1u
#define NICSIM_RX_WRITEBACK_RSS_HASH_SHIFT      0
#define NICSIM_RX_WRITEBACK_RSS_HASH_MASK       0xFFFFFFFFu

/* RX_WRITEBACK.ERR_IPE dword 2 [31] */
#define NICSIM_RX_WRITEBACK_ERR_IPE_DWORD       2u
#define NICSIM_RX_WRITEBACK_ERR_IPE_SHIFT       31
#define NICSIM_RX_WRITEBACK_ERR_IPE_MASK        0x80000000u

/* RX_WRITEBACK.ERR_L4E dword 2 [30] */
#define NICSIM_RX_WRITEBACK_ERR_L4E_DWORD       2u
#define NICSIM_RX_WRITEBACK_ERR_L4E_SHIFT       30
#define NICSIM_RX_WRITEBACK_ERR_L4E_MASK        0x40000000u

/* RX_WRITEBACK.STAT_IPCS dword 2 [6] */
#define NICSIM_RX_WRITEBACK_STAT_IPCS_DWORD     2u
#define NICSIM_RX_WRITEBACK_STAT_IPCS_SHIFT     6
#define NICSIM_RX_WRITEBACK_STAT_IPCS_MASK      0x00000040u

/* RX_WRITEBACK.STAT_L4CS dword 2 [5] */
#define NICSIM_RX_WRITEBACK_STAT_L4CS_DWORD     2u
#define NICSIM_RX_WRITEBACK_STAT_L4CS_SHIFT     5
#define NICSIM_RX_WRITEBACK_STAT_L4CS_MASK      0x00000020u

/* RX_WRITEBACK.STAT_UDPCS dword 2 [4] */
#define NICSIM_RX_WRITEBACK_STAT_UDPCS_DWORD    2u
#define NICSIM_RX_WRITEBACK_STAT_UDPCS_SHIFT    4
#define NICSIM_RX_WRITEBACK_STAT_UDPCS_MASK     0x00000010u

/* RX_WRITEBACK.STAT_VP dword 2 [3] */
#define NICSIM_RX_WRITEBACK_STAT_VP_DWORD       2u
#define NICSIM_RX_WRITEBACK_STAT_VP_SHIFT       3
#define NICSIM_RX_WRITEBACK_STAT_VP_MASK        0x00000008u

/* RX_WRITEBACK.STAT_EOP dword 2 [1] */
#define NICSIM_RX_WRITEBACK_STAT_EOP_DWORD      2u
#define NICSIM_RX_WRITEBACK_STAT_EOP_SHIFT      1
#define NICSIM_RX_WRITEBACK_STAT_EOP_MASK       0x00000002u

/* RX_WRITEBACK.STAT_DD dword 2 [0] */
#define NICSIM_RX_WRITEBACK_STAT_DD_DWORD       2u
#define NICSIM_RX_WRITEBACK_STAT_DD_SHIFT       0
#define NICSIM_RX_WRITEBACK_STAT_DD_MASK        0x00000001u

/* RX_WRITEBACK.VLAN dword 3 [31:16] */
#define NICSIM_RX_WRITEBACK_VLAN_DWORD          3u
#define NICSIM_RX_WRITEBACK_VLAN_SHIFT          16
#define NICSIM_RX_WRITEBACK_VLAN_MASK           0xFFFF0000u

/* RX_WRITEBACK.PKT_LEN dword 3 [15:0] */
#define NICSIM_RX_WRITEBACK_PKT_LEN_DWORD       3u
#define NICSIM_RX_WRITEBACK_PKT_LEN_SHIFT       0
#define NICSIM_RX_WRITEBACK_PKT_LEN_MASK        0x0000FFFFu

/* ---------------------------------------------------------------------------
 * TX_DATA: Transmit data descriptor (written by software)
 */

/* TX_DATA.BUFFER_ADDR_LO dword 0 [31:0] */
#define NICSIM_TX_DATA_BUFFER_ADDR_LO_DWORD     0u
#define NICSIM_TX_DATA_BUFFER_ADDR_LO_SHIFT     0
#define NICSIM_TX_DATA_BUFFER_ADDR_LO_MASK      0xFFFFFFFFu

/* TX_DATA.BUFFER_ADDR_HI dword 1 [31:0] */
#define NICSIM_TX_DATA_BUFFER_ADDR_HI_DWORD     1u
#define NICSIM_TX_DATA_BUFFER_ADDR_HI_SHIFT     0
#define NICSIM_TX_DATA_BUFFER_ADDR_HI_MASK      0xFFFFFFFFu

/* TX_DATA.CMD_TSE dword 2 [31] */
#define NICSIM_TX_DATA_CMD_TSE_DWORD            2u
#define NICSIM_TX_DATA_CMD_TSE_SHIFT            31
#define NICSIM_TX_DATA_CMD_TSE_MASK             0x80000000u

/* TX_DATA.CMD_DEXT dword 2 [29] */
#define NICSIM_TX_DATA_CMD_DEXT_DWORD           2u
#define NICSIM_TX_DATA_CMD_DEXT_SHIFT           29
#define NICSIM_TX_DATA_CMD_DEXT_MASK            0x20000000u

/* TX_DATA.CMD_RS dword 2 [27] */
#define NICSIM_TX_DATA_CMD_RS_DWORD             2u
#define NICSIM_TX_DATA_CMD_RS_SHIFT             27
#define NICSIM_TX_DATA_CMD_RS_MASK              0x08000000u

/* TX_DATA.CMD_IFCS dword 2 [25] */
#define NICSIM_TX_DATA_CMD_IFCS_DWORD           2u
#define NICSIM_TX_DATA_CMD_IFCS_SHIFT           25
#define NICSIM_TX_DATA_CMD_IFCS_MASK            0x02000000u

/* TX_DATA.CMD_EOP dword 2 [24] */
#define NICSIM_TX_DATA_CMD_EOP_DWORD            2u
#define NICSIM_TX_DATA_CMD_EOP_SHIFT            24
#define NICSIM_TX_DATA_CMD_EOP_MASK             0x01000000u

/* TX_DATA.DTYP dword 2 [23:20] */
#define NICSIM_TX_DATA_DTYP_DWORD               2u
#define NICSIM_TX_DATA_DTYP_SHIFT               20
#define NICSIM_TX_DATA_DTYP_MASK                0x00F00000u
#define NICSIM_TX_DATA_DTYP_DATA                3u
#define NICSIM_TX_DATA_DTYP_CONTEXT             2u

/* TX_DATA.DTALEN dword 2 [15:0] */
#define NICSIM_TX_DATA_DTALEN_DWORD             2u
#define NICSIM_TX_DATA_DTALEN_SHIFT             0
#define NICSIM_TX_DATA_DTALEN_MASK              0x0000FFFFu

/* TX_DATA.PAYLEN dword 3 [31:14] */
#define NICSIM_TX_DATA_PAYLEN_DWORD             3u
#define NICSIM_TX_DATA_PAYLEN_SHIFT             14
#define NICSIM_TX_DATA_PAYLEN_MASK              0xFFFFC000u

/* TX_DATA.POPTS_TXSM dword 3 [9] */
#define NICSIM_TX_DATA_POPTS_TXSM_DWORD         3u
#define NICSIM_TX_DATA_POPTS_TXSM_SHIFT         9
#define NICSIM_TX_DATA_POPTS_TXSM_MASK          0x00000200u

/* TX_DATA.POPTS_IXSM dword 3 [8] */
#define NICSIM_TX_DATA_POPTS_IXSM_DWORD         3u
#define NICSIM_TX_DATA_POPTS_IXSM_SHIFT         8
#define NICSIM_TX_DATA_POPTS_IXSM_MASK          0x00000100u

/* TX_DATA.IDX dword 3 [6:4] */
#define NICSIM_TX_DATA_IDX_DWORD                3u
#define NICSIM_TX_DATA_IDX_SHIFT                4
#define NICSIM_TX_DATA_IDX_MASK                 0x00000070u

/* TX_DATA.STA_ERR dword 3 [3] */
#define NICSIM_TX_DATA_STA_ERR_DWORD            3u
#define NICSIM_TX_DATA_STA_ERR_SHIFT            3
#define NICSIM_TX_DATA_STA_ERR_MASK             0x00000008u

/* TX_DATA.STA_DD dword 3 [0] */
#define NICSIM_TX_DATA_STA_DD_DWORD             3u
#define NICSIM_TX_DATA_STA_DD_SHIFT             0
#define NICSIM_TX_DATA_STA_DD_MASK              0x00000001u

/* ---------------------------------------------------------------------------
 * TX_CONTEXT: Transmit context descriptor (written by software)
 */

/* TX_CONTEXT.VLAN dword 0 [31:16] */
#define NICSIM_TX_CONTEXT_VLAN_DWORD            0u
#define NICSIM_TX_CONTEXT_VLAN_SHIFT            16
#define NICSIM_TX_CONTEXT_VLAN_MASK             0xFFFF0000u

/* TX_CONTEXT.MACLEN dword 0 [15:9] */
#define NICSIM_TX_CONTEXT_MACLEN_DWORD          0u
#define NICSIM_TX_CONTEXT_MACLEN_SHIFT          9
#define NICSIM_TX_CONTEXT_MACLEN_MASK           0x0000FE00u

/* TX_CONTEXT.IPLEN dword 0 [8:0] */
#define NICSIM_TX_CONTEXT_IPLEN_DWORD           0u
#define NICSIM_TX_CONTEXT_IPLEN_SHIFT           0
#define NICSIM_TX_CONTEXT_IPLEN_MASK            0x000001FFu

/* TX_CONTEXT.DEXT dword 2 [29] */
#define NICSIM_TX_CONTEXT_DEXT_DWORD            2u
#define NICSIM_TX_CONTEXT_DEXT_SHIFT            29
#define NICSIM_TX_CONTEXT_DEXT_MASK             0x20000000u

/* TX_CONTEXT.DTYP dword 2 [23:20] */
#define NICSIM_TX_CONTEXT_DTYP_DWORD            2u
#define NICSIM_TX_CONTEXT_DTYP_SHIFT            20
#define NICSIM_TX_CONTEXT_DTYP_MASK             0x00F00000u

/* TX_CONTEXT.TUCMD_L4T dword 2 [12:11] */
#define NICSIM_TX_CONTEXT_TUCMD_L4T_DWORD       2u
#define NICSIM_TX_CONTEXT_TUCMD_L4T_SHIFT       11
#define NICSIM_TX_CONTEXT_TUCMD_L4T_MASK        0x00001800u

/* TX_CONTEXT.TUCMD_IPV4 dword 2 [10] */
#define NICSIM_TX_CONTEXT_TUCMD_IPV4_DWORD      2u
#define NICSIM_TX_CONTEXT_TUCMD_IPV4_SHIFT      10
#define NICSIM_TX_CONTEXT_TUCMD_IPV4_MASK       0x00000400u

/* TX_CONTEXT.MSS dword 3 [31:16] */
#define NICSIM_TX_CONTEXT_MSS_DWORD             3u
#define NICSIM_TX_CONTEXT_MSS_SHIFT             16
#define NICSIM_TX_CONTEXT_MSS_MASK              0xFFFF0000u

/* TX_CONTEXT.L4LEN dword 3 [15:8] */
#define NICSIM_TX_CONTEXT_L4LEN_DWORD           3u
#define NICSIM_TX_CONTEXT_L4LEN_SHIFT           8
#define NICSIM_TX_CONTEXT_L4LEN_MASK            0x0000FF00u

/* TX_CONTEXT.IDX dword 3 [6:4] */
#define NICSIM_TX_CONTEXT_IDX_DWORD             3u
#define NICSIM_TX_CONTEXT_IDX_SHIFT             4
#define NICSIM_TX_CONTEXT_IDX_MASK              0x00000070u

#endif /* NICSIM_REGS_H */
