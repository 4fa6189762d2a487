/** The report's stylesheet, inlined in the page. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto;
  max-width: 1500px; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
h3 { font-size: 14px; margin: 0 0 4px; }
p.description { margin: 0 0 8px; color: #444; }
p.note, .explain { color: #555; font-size: 13px; margin: 2px 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; }
.policies { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
figure { margin: 0; padding: 8px; border: 1px solid #e4e4e4; border-radius: 4px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
svg text.tick { fill: #666; font-size: 10px; }
svg text.inbar { fill: #fff; font-size: 10px; }
svg text.note { fill: #888; font-size: 10px; }
svg text.value { font-size: 10px; fill: #444; }
svg .axis { stroke: #888; stroke-width: 1; }
svg .grid { stroke: #e8e8e8; stroke-width: 1; }
svg .end { stroke: #999; stroke-width: 1; stroke-dasharray: 4 3; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 4px 0 10px; }
.legend span::before { content: ""; display: inline-block; width: 11px; height: 11px;
  margin-right: 5px; vertical-align: -1px; background: var(--swatch); border-radius: 2px; }
table.comparison { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.comparison th, table.comparison td { padding: 3px 12px; border-bottom: 1px solid #eee; }
table.comparison td { text-align: right; }
table.comparison th[scope="row"] { text-align: left; font-weight: normal; }
table.comparison thead th { border-bottom: 2px solid #999; text-align: right; }
table.comparison thead th:first-child { text-align: left; }
table.comparison tr.section th, table.comparison tr.section td { border-top: 1px solid #bbb; }
table.comparison tr.detail th { padding-left: 28px; color: #555; }
table.moves { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
table.moves th, table.moves td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right; }
details { margin: 4px 0; }
footer { margin-top: 32px; color: #888; font-size: 12px; }
`;
