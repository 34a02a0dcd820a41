"""The release as HTML (interactive charts, each figure's provenance on hover and click,
no network needed) and as PDF (the same page with static charts, through WeasyPrint).

Tables are great_tables tables; every number in the text and the tables is a
``<span class="fig" data-fig="ID">`` whose provenance the page carries as JSON.
"""

from __future__ import annotations

import base64
import html as escape
import json
from pathlib import Path
from typing import Any, cast

import pandas as pd

from ..errors import MissingExtraError
from . import charts
from .document import Chart, Paragraph, Part, Release, Table
from .markdown import revision_lines

STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1b1b1b;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
.subtitle { color: #555; margin-top: 0; }
.lead { font-size: 1.08rem; }
.fig { border-bottom: 1px dotted #6a8fb5; cursor: pointer; }
.fig:hover, .fig:focus, .fig.active { background: #e6eef7; }
figure { margin: 1.2rem 0; }
figcaption { color: #555; font-size: 0.85rem; }
.gt_table { margin: 1rem 0 !important; }
#provenance { overflow-wrap: anywhere; position: fixed; right: 1rem; bottom: 1rem; width: 26rem; max-height: 60vh;
  overflow: auto; background: #fff; border: 1px solid #6a8fb5; padding: 0.8rem;
  font-size: 0.8rem; box-shadow: 0 2px 8px rgba(0,0,0,.2); display: none; }
#provenance pre { white-space: pre-wrap; font-size: 0.72rem; background: #f5f5f5;
  padding: 0.4rem; }
.revisions { background: #fff7e0; padding: 0.5rem 1rem; }
"""

PRINT_STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: "Page " counter(page) " of " counter(pages);
                         font-family: "DejaVu Sans", sans-serif; font-size: 8pt; color: #555; } }
body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
h2 { break-after: avoid; }
figure, table { break-inside: avoid; }
.fig { border-bottom: none; }
figure img { max-width: 100%; height: auto; }
"""

SCRIPT = """
const figures = JSON.parse(document.getElementById('figures').textContent);
const panel = document.getElementById('provenance');
function show(id, el) {
  const f = figures[id]; if (!f) return;
  document.querySelectorAll('.fig.active').forEach(e => e.classList.remove('active'));
  el.classList.add('active');
  const sql = f.sql ? (figures.__expressions__[f.sql] || '') : '';
  panel.innerHTML = '<b>' + f.id + '</b><br>printed: ' + f.text + '<br>value: ' + f.value +
    '<br>measure: ' + f.measure + '<br>inputs: ' + JSON.stringify(f.inputs) +
    '<br>computed by: ' + f.expression + '<br>store: load ' + f.revision.last_load +
    ', compilation ' + f.revision.compilation + (sql ? '<pre></pre>' : '');
  if (sql) panel.querySelector('pre').textContent = sql;
  panel.style.display = 'block';
}
document.querySelectorAll('.fig').forEach(el => {
  el.addEventListener('click', () => show(el.dataset.fig, el));
  el.addEventListener('keydown', e => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(el.dataset.fig, el); }
  });
});
document.addEventListener('keydown', e => { if (e.key === 'Escape') panel.style.display = 'none'; });
"""


def _fig(release: Release, part: Part) -> str:
    if isinstance(part, str):
        return escape.escape(part)
    f = release.figure(part)
    tip = f"{f.id}: {f.expression}"
    return (
        f'<span class="fig" data-fig="{escape.escape(f.id)}" tabindex="0" role="button" '
        f'title="{escape.escape(tip)}">{escape.escape(f.text)}</span>'
    )


def _paragraph(release: Release, block: Paragraph, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>" + "".join(_fig(release, p) for p in block.parts) + "</p>"


def _table(release: Release, block: Table) -> str:
    from great_tables import GT

    names = [c.name or f"col{i}" for i, c in enumerate(block.columns)]
    names = [n if names.count(n) == 1 else f"{n} ({i})" for i, n in enumerate(names)]
    rows = [[_fig(release, cell) for cell in row] for row in block.rows]
    frame = pd.DataFrame(rows, columns=names)
    numbers = [n for n, c in zip(names, block.columns, strict=True) if c.kind != "text"]
    labels = {n: c.name for n, c in zip(names, block.columns, strict=True)}
    gt = (
        GT(frame, id=block.id)
        .tab_header(title=block.title)
        .fmt_markdown(columns=names)
        .cols_label(cases=cast(Any, labels))
        .cols_align(align="right", columns=numbers)
        .opt_table_font(font="DejaVu Sans")
        .opt_stylize(style=1, color="gray")
    )
    if block.note:
        gt = gt.tab_source_note(block.note)
    return str(gt.as_raw_html(inline_css=False))


def _chart(block: Chart, *, static: bool) -> str:
    if static:
        # A PNG drawn by vl-convert with the fonts it measured: an SVG would be set again
        # in the PDF's fonts, and long labels would run past its edge.
        image = charts.to_png(block.spec, scale=2)
        width = int.from_bytes(image[16:20], "big") / 2  # the PNG header's width, at scale 1
        png = base64.b64encode(image).decode("ascii")
        body = (
            f'<img src="data:image/png;base64,{png}" style="width: {width:.0f}px" '
            f'alt="{escape.escape(block.title)}">'
        )
    else:
        body = charts.embed(block.spec, block.id)
    caption = f"<figcaption>{escape.escape(block.caption)}</figcaption>" if block.caption else ""
    return f"<figure>{body}{caption}</figure>"


def html(release: Release, *, static: bool = False, banner: str = "") -> str:
    """The page: interactive (Vega-Lite embedded from the package, no network) or, with
    ``static``, charts as inline SVG and no scripts (for the PDF). ``banner`` is HTML put
    first in the body (the dashboard's navigation)."""
    out = [f"<h1>{escape.escape(release.title)}</h1>"]
    out.append(f'<p class="subtitle">{escape.escape(release.subtitle)}</p>')
    out.append(_paragraph(release, release.lead, "lead"))
    if release.revisions:
        items = "".join(f"<li>{escape.escape(line)}</li>" for line in revision_lines(release))
        out.append(
            '<section class="revisions"><h2>Revisions since the previous release</h2>'
            f"<ul>{items}</ul></section>"
        )
    for section in release.sections:
        out.append(f'<section id="{section.id}"><h2>{escape.escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(_paragraph(release, block))
            elif isinstance(block, Table):
                out.append(_table(release, block))
            elif isinstance(block, Chart):
                out.append(_chart(block, static=static))
        out.append("</section>")
    head = [
        '<meta charset="utf-8">',
        f"<title>{escape.escape(release.title)}</title>",
        f"<style>{STYLE}{PRINT_STYLE if static else ''}</style>",
    ]
    tail: list[str] = []
    if not static:
        head.append(f"<script>{charts.script_bundle()}</script>")
        figures: dict[str, Any] = {
            f.id: f.as_dict(release.revision) for f in release.figures.values()
        }
        figures["__expressions__"] = release.expressions
        data = json.dumps(figures, ensure_ascii=False).replace("</", "<\\/")
        tail += [
            '<div id="provenance" role="region" aria-label="Provenance" aria-live="polite"></div>',
            f'<script type="application/json" id="figures">{data}</script>',
            f"<script>{SCRIPT}</script>",
        ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head>'
        + "".join(head)
        + "</head><body>"
        + banner
        + "\n".join(out)
        + "".join(tail)
        + "</body></html>\n"
    )


def pdf(release: Release, path: Path) -> None:
    """The static page as an A4 PDF with page numbers."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the system's Pango is missing
        raise MissingExtraError(
            f"PDF output needs WeasyPrint and its system libraries (Pango): {exc}"
        ) from exc
    HTML(string=html(release, static=True)).write_pdf(path)
