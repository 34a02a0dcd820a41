// The explorer: the form's state lives in the address; each change fetches /api/series
// with the same query and redraws the chart and the table from its answer.
(function () {
  const form = document.getElementById('selection');
  const status = document.getElementById('status');
  const table = document.getElementById('table');
  const LISTS = ['key', 'partner', 'commodity'];
  const SHOWN = 8;  // keys drawn when none is chosen: the largest in the last month

  function fromAddress() {
    const q = new URLSearchParams(location.search);
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') el.checked = q.get(el.name) === 'true';
      else if (LISTS.includes(el.name)) el.value = q.getAll(el.name).join(', ');
      else if (q.get(el.name) !== null) el.value = q.get(el.name);
    }
  }

  function query() {
    const q = new URLSearchParams();
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') { if (el.checked) q.set(el.name, 'true'); continue; }
      if (LISTS.includes(el.name)) {
        el.value.split(',').map(s => s.trim()).filter(Boolean).forEach(v => q.append(el.name, v));
      } else if (el.value) q.set(el.name, el.value);
    }
    return q;
  }

  function column(measure) { return measure === 'value' ? 'value' : measure + '_index'; }

  function render(answer, q) {
    const measure = answer.measure, col = column(measure), adjusted = q.get('adjusted') === 'true';
    const scale = measure === 'value' ? 1e9 : 1;
    const rows = answer.rows;
    const latest = rows.length ? rows[rows.length - 1].period : null;
    const size = {};
    rows.forEach(r => { if (r.period === latest) size[r.key] = Math.abs(r[col] || 0); });
    const keys = Object.keys(size).sort((a, b) => size[b] - size[a]).slice(0, SHOWN);
    const drawn = rows.filter(r => keys.includes(r.key));
    const values = [];
    drawn.forEach(r => {
      values.push({ month: r.period, series: r.name, v: r[col] / scale });
      if (adjusted && r.adjusted !== undefined && r.adjusted !== null)
        values.push({ month: r.period, series: r.name + ' (adjusted)', v: r.adjusted / scale });
    });
    const unit = measure === 'value' ? 'bn' : 'index';
    vegaEmbed('#chart', {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 'container', height: 300, data: { values: values },
      mark: { type: 'line', point: values.length < 200 },
      encoding: {
        x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null },
        y: { field: 'v', type: 'quantitative', title: unit, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } },
        tooltip: [{ field: 'series' }, { field: 'month', timeUnit: 'yearmonth', type: 'temporal' },
                  { field: 'v', type: 'quantitative', format: ',.1f', title: unit }]
      }
    }, { actions: false, renderer: 'svg' });
    document.getElementById('caption').textContent =
      `${answer.flow.replace('_', ' ')}, ${measure} by ${answer.breakdown}` +
      (keys.length < new Set(rows.map(r => r.key)).size ? ` (the ${keys.length} largest in ${latest} drawn; the table has all)` : '');
    const head = ['month', 'key', 'name', measure === 'value' ? 'value (bn)' : measure + ' index', 'year on year']
      .concat(adjusted ? ['adjusted'] : []);
    table.tHead.innerHTML = '<tr>' + head.map((h, i) => `<th scope="col"${i > 2 ? ' class="num"' : ''}>${h}</th>`).join('') + '</tr>';
    const fmt = (v, d) => (v === null || v === undefined) ? '–' : v.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
    const body = document.createElement('tbody');
    const order = [...new Set(rows.map(r => r.key))];  // the answer's order of keys
    rows.slice().sort((a, b) => b.period.localeCompare(a.period) ||
      order.indexOf(a.key) - order.indexOf(b.key)).forEach(r => {
      const tr = document.createElement('tr');
      const cells = [r.period, r.key, r.name, fmt(r[col] / scale, 1),
        r.yoy_pct === null || r.yoy_pct === undefined ? '–' : (r.yoy_pct >= 0 ? '+' : '') + fmt(r.yoy_pct, 1) + '%'];
      if (adjusted) cells.push(fmt(r.adjusted / scale, 1));
      cells.forEach((c, i) => { const td = document.createElement('td'); td.textContent = c; if (i > 2) td.className = 'num'; tr.appendChild(td); });
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
    status.className = '';
    status.textContent = `${rows.length.toLocaleString('en')} rows.`;
  }

  async function update(push) {
    const q = query();
    const address = '?' + q.toString();
    if (push) history.replaceState(null, '', address);
    document.getElementById('download').href = '/api/series' + address + (address.length > 1 ? '&' : '') + 'format=csv';
    document.getElementById('as-json').href = '/api/series' + address;
    status.className = ''; status.textContent = 'Loading…';
    try {
      const res = await fetch('/api/series' + address);
      const answer = await res.json();
      if (!res.ok) throw new Error(typeof answer.detail === 'string' ? answer.detail :
        answer.detail.map(d => `${d.loc[d.loc.length - 1]}: ${d.msg}`).join('; '));
      render(answer, q);
    } catch (err) {
      status.className = 'error';
      status.textContent = err.message;
    }
  }

  fromAddress();
  form.addEventListener('change', () => update(true));
  form.addEventListener('submit', e => { e.preventDefault(); update(true); });
  update(false);
})();
