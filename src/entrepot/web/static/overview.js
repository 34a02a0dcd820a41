// The overview's charts, drawn from the page's own data (the JSON twin's "charts").
(function () {
  const charts = JSON.parse(document.getElementById('overview-data').textContent);
  const names = { total_exports: 'Total exports', imports: 'Imports' };
  function rows(measure) {
    const out = [];
    for (const flow of ['total_exports', 'imports']) {
      for (const r of charts[flow + '.' + measure] || []) {
        const v = measure === 'value' ? r.value / 1e9 : r.volume_index;
        if (v !== null && v !== undefined) out.push({ month: r.period, flow: names[flow], v: v });
      }
    }
    return out;
  }
  function draw(id, measure, title) {
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 'container', height: 240, data: { values: rows(measure) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null },
        y: { field: 'v', type: 'quantitative', title: title, scale: { zero: false } },
        color: { field: 'flow', type: 'nominal', title: null, legend: { orient: 'top' } },
        tooltip: [{ field: 'flow' }, { field: 'month', timeUnit: 'yearmonth', type: 'temporal' },
                  { field: 'v', type: 'quantitative', format: ',.1f', title: title }]
      }
    };
    vegaEmbed('#' + id, spec, { actions: false, renderer: 'svg' });
  }
  draw('chart-value', 'value', 'bn');
  draw('chart-volume', 'volume', 'index');
})();
