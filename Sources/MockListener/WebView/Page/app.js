// The listener's web view: plain DOM, no framework, nothing fetched but the listener's own routes.
// Every text from the network goes in with textContent, never as markup.

const base = new URL('.', location.href);
const api = (path) => new URL('testControl/v1/' + path, base);
const svgNS = 'http://www.w3.org/2000/svg';
const standardFields = ['cpuUsage', 'memoryUsed', 'nicReceivedOctets', 'nicTransmittedOctets',
  'loadShortTerm', 'loadMidTerm', 'loadLongTerm'];
const fieldLabels = {
  cpuUsage: 'CPU usage (%)', memoryUsed: 'Memory used', nicReceivedOctets: 'NIC octets received',
  nicTransmittedOctets: 'NIC octets sent', loadShortTerm: 'Load (short term)', loadMidTerm: 'Load (mid term)',
  loadLongTerm: 'Load (long term)',
};

const state = {
  token: sessionStorage.getItem('ves-control-token') || '',
  filters: {},
  before: null, // seq the shown page starts before; null for the newest page
  newer: [], // the `before` of the pages shown before this one
  rows: [],
  selectedSeq: null,
  lastSeq: 0,
  chartSource: '',
  chartFields: new Set(['cpuUsage', 'memoryUsed', 'nicReceivedOctets', 'loadShortTerm']),
  additional: '',
};

const $ = (id) => document.getElementById(id);

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(name, attributes) {
  const node = document.createElementNS(svgNS, name);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
  return node;
}

function headers(extra) {
  const all = Object.assign({}, extra || {});
  if (state.token) all.Authorization = 'Bearer ' + state.token;
  return all;
}

async function getJSON(path) {
  const response = await fetch(api(path), { headers: headers(), cache: 'no-store' });
  if (!response.ok) throw new Error(await problem(response));
  return response.json();
}

async function problem(response) {
  let text = 'HTTP ' + response.status;
  try {
    const body = await response.json();
    const error = body.requestError && (body.requestError.serviceException || body.requestError.policyException);
    if (error && error.text) text += ': ' + error.text.replace('%1', (error.variables || [])[0] || '');
  } catch (_) { /* not JSON */ }
  return text;
}

// Calls `run` at most once per `delay` ms, the last call winning.
function throttled(run, delay) {
  let timer = null;
  let again = false;
  return function call() {
    if (timer) { again = true; return; }
    run();
    timer = setTimeout(() => { timer = null; if (again) { again = false; call(); } }, delay);
  };
}

// ---- summary strip ----

async function loadSummary() {
  const summary = await getJSON('ui/summary');
  const totals = $('totals');
  totals.replaceChildren();
  const items = [
    ['Events', summary.events], ['Valid', summary.valid], ['Invalid', summary.invalid],
    ['Rejected requests', summary.rejected], ['Faults answered', summary.faults],
    ['In memory', summary.inMemory + ' of ' + summary.maxInMemory], ['Last seq', summary.lastSeq],
  ];
  for (const [label, value] of items) {
    totals.append(element('dt', null, label), element('dd', null, value));
  }
  fillTable($('by-domain'), Object.entries(summary.byDomain).map(([domain, t]) => [domain, t.valid, t.invalid]));
  const statuses = new Set([...Object.keys(summary.byStatus), ...Object.keys(summary.nonEventRequests.byStatus)]);
  fillTable($('by-status'), [...statuses].sort().map((status) => [status, summary.byStatus[status] || 0,
    summary.nonEventRequests.byStatus[status] || 0]));
  const verdict = $('verdict');
  verdict.textContent = (summary.verdict.conformant ? 'Conformant — ' : 'Not conformant — ') + summary.verdict.text;
  verdict.className = 'verdict ' + (summary.verdict.conformant ? 'pass' : 'fail');
  drawRate(summary.rate);
  fillSelect(document.querySelector('#filters [name=version]'), Object.keys(summary.byVersion), 'any');
  fillSelect(document.querySelector('#filters [name=domain]'), Object.keys(summary.byDomain), 'any');
  fillSelect(document.querySelector('#filters [name=source]'), summary.sources, 'any');
  state.lastSeq = summary.lastSeq;
  return summary;
}

function fillTable(table, rows) {
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const cells of rows) {
    const row = element('tr');
    cells.forEach((cell, index) => row.append(element(index === 0 ? 'th' : 'td', null, cell)));
    row.firstChild.setAttribute('scope', 'row');
    body.append(row);
  }
  if (rows.length === 0) {
    const row = element('tr');
    const cell = element('td', null, 'none yet');
    cell.colSpan = 3;
    row.append(cell);
    body.append(row);
  }
}

function fillSelect(select, values, emptyLabel) {
  const current = select.value;
  const options = [];
  if (emptyLabel !== null) options.push(new Option(emptyLabel, ''));
  for (const value of values) options.push(new Option(value, value));
  if (current && !values.includes(current)) options.push(new Option(current, current));
  select.replaceChildren(...options);
  select.value = current;
}

function drawRate(rate) {
  const chart = $('rate-chart');
  chart.replaceChildren();
  const end = Date.parse(rate.now);
  const counts = new Array(rate.seconds).fill(0);
  for (const { second, count } of rate.perSecond) {
    const index = rate.seconds - 1 - Math.round((end - Date.parse(second)) / 1000);
    if (index >= 0 && index < counts.length) counts[index] = count;
  }
  const top = Math.max(1, ...counts);
  const width = 300 / counts.length;
  counts.forEach((count, index) => {
    const height = (count / top) * 64;
    chart.append(svg('rect', { x: index * width, y: 70 - height, width: Math.max(1, width - 1), height }));
  });
  chart.append(svg('line', { x1: 0, y1: 70, x2: 300, y2: 70, class: 'axis' }));
  const label = svg('text', { x: 2, y: 9 });
  label.textContent = 'max ' + top + '/s';
  chart.append(label);
  const latest = counts[counts.length - 1];
  chart.setAttribute('aria-label', 'records per second over the last minute: at most ' + top + ', now ' + latest);
}

// ---- events table ----

function filterQuery() {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(state.filters)) if (value) query.set(key, value);
  return query;
}

async function loadRows() {
  const query = filterQuery();
  query.set('limit', '100');
  if (state.before !== null) query.set('before', String(state.before));
  const page = await getJSON('ui/events?' + query);
  const previousTop = state.rows.length ? state.rows[0].seq : null;
  state.rows = page.rows;
  state.next = page.more ? page.next_before : null;
  renderRows(previousTop);
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  $('page-info').textContent = page.rows.length === 0 ? 'No events match.'
    : `Showing ${page.rows.length} events, seq ${first.seq} to ${last.seq}` + (page.more ? '; older ones follow.' : '.');
  $('older').disabled = !page.more;
  $('newer').disabled = state.newer.length === 0;
  $('newest').disabled = state.before === null;
}

function renderRows(previousTop) {
  const body = document.querySelector('#events tbody');
  const focusedSeq = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.seq : undefined;
  body.replaceChildren();
  for (const row of state.rows) {
    const tr = element('tr');
    tr.tabIndex = 0;
    tr.dataset.seq = row.seq;
    markShown(tr, row.seq === state.selectedSeq);
    if (previousTop !== null && row.seq > previousTop && state.before === null) tr.classList.add('new');
    const verdict = row.kind === 'event'
      ? element('span', 'badge ' + (row.valid ? 'valid' : 'invalid'), row.valid ? 'valid' : 'invalid')
      : element('span', 'badge other', row.kind + ' ' + row.status);
    const time = element('time', null, row.time.slice(11, 23));
    time.dateTime = row.time;
    const cells = [row.seq, time, row.version || '–', row.domain || '–', row.source || '–', row.eventName || '–',
      verdict, row.errors, row.warnings];
    cells.forEach((cell, index) => {
      const td = element('td');
      if (cell instanceof Node) td.append(cell); else td.textContent = String(cell);
      tr.append(td);
    });
    tr.setAttribute('aria-label', `event ${row.seq}, ${row.domain || row.kind}, ${row.valid ? 'valid' : 'invalid'}`);
    body.append(tr);
    if (String(row.seq) === focusedSeq) tr.focus();
  }
}

// The row of the event shown beside the table (aria-current: a table's rows are not selectable options).
function markShown(tr, shown) {
  if (shown) tr.setAttribute('aria-current', 'true'); else tr.removeAttribute('aria-current');
}

function openRow(tr) {
  if (tr && tr.dataset.seq) location.hash = 'event=' + tr.dataset.seq;
}

function wireTable() {
  const body = document.querySelector('#events tbody');
  body.addEventListener('click', (event) => openRow(event.target.closest('tr')));
  body.addEventListener('keydown', (event) => {
    const tr = event.target.closest('tr');
    if (!tr) return;
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); openRow(tr); }
    if (event.key === 'ArrowDown' && tr.nextElementSibling) { event.preventDefault(); tr.nextElementSibling.focus(); }
    if (event.key === 'ArrowUp' && tr.previousElementSibling) { event.preventDefault(); tr.previousElementSibling.focus(); }
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = Object.fromEntries(new FormData(event.target));
    state.before = null;
    state.newer = [];
    loadRows().catch(report);
  });
  $('filters').addEventListener('reset', () => {
    state.filters = {};
    state.before = null;
    state.newer = [];
    setTimeout(() => loadRows().catch(report));
  });
  $('older').addEventListener('click', () => {
    if (state.next === null) return;
    state.newer.push(state.before);
    state.before = state.next;
    loadRows().catch(report);
  });
  $('newer').addEventListener('click', () => {
    if (state.newer.length === 0) return;
    state.before = state.newer.pop();
    loadRows().catch(report);
  });
  $('newest').addEventListener('click', () => {
    state.before = null;
    state.newer = [];
    loadRows().catch(report);
  });
}

// ---- one event ----

// Pointers in the record are the body's (/event/..., /eventList/N/...); the JSON shown is the event itself.
function eventPointer(pointer) {
  return pointer.replace(/^\/eventList\/\d+(?=\/|$)/, '').replace(/^\/event(?=\/|$)/, '');
}

function escapeToken(token) {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

// Renders `value` as lines of DOM, each tagged with its JSON pointer in `lines`.
function renderJSON(value, lines) {
  const root = element('div');
  function scalar(item) {
    if (typeof item === 'string') return element('span', 'string', JSON.stringify(item));
    if (typeof item === 'number') return element('span', 'number', String(item));
    return element('span', 'literal', String(item));
  }
  function node(item, key, pointer, depth, last, parent) {
    const line = element('div', 'line');
    line.style.paddingLeft = (depth * 2) + 'ch';
    line.dataset.pointer = pointer;
    lines.set(pointer, line);
    if (key !== null) line.append(element('span', 'key', JSON.stringify(key)), ': ');
    const comma = last ? '' : ',';
    const isArray = Array.isArray(item);
    if (item !== null && typeof item === 'object') {
      const entries = isArray ? item.map((v, i) => [i, v]) : Object.entries(item);
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        line.append(open + close + comma);
        parent.append(line);
        return;
      }
      line.append(open);
      parent.append(line);
      entries.forEach(([k, v], index) => node(v, isArray ? null : k, pointer + '/' + escapeToken(k), depth + 1,
        index === entries.length - 1, parent));
      const end = element('div', 'line', close + comma);
      end.style.paddingLeft = (depth * 2) + 'ch';
      parent.append(end);
      return;
    }
    line.append(scalar(item), comma);
    parent.append(line);
  }
  node(value, null, '', 0, true, root);
  return root;
}

// The line of `pointer`, or of its nearest ancestor shown (a missing member is marked on its object).
function lineFor(lines, pointer) {
  let current = pointer;
  while (!lines.has(current) && current !== '') current = current.slice(0, current.lastIndexOf('/'));
  return lines.get(current);
}

function describeViolations(list, items, lines, kind) {
  list.replaceChildren();
  if (items.length === 0) list.append(element('li', null, 'none'));
  for (const item of items) {
    const li = element('li');
    const label = (item.pointer || '/') + ': ' + item.message;
    const line = lines ? lineFor(lines, eventPointer(item.pointer)) : null;
    if (line) {
      line.classList.add(kind);
      line.append(element('span', 'message', (kind === 'violation' ? '✖ ' : '⚠ ') + item.message));
      line.tabIndex = -1;
      const button = element('button', null, label);
      button.type = 'button';
      button.addEventListener('click', () => { line.scrollIntoView({ block: 'center' }); line.focus(); });
      li.append(button);
    } else {
      li.textContent = label;
    }
    list.append(li);
  }
}

async function showEvent(seq) {
  state.selectedSeq = seq;
  for (const tr of document.querySelectorAll('#events tbody tr')) {
    markShown(tr, Number(tr.dataset.seq) === seq);
  }
  $('detail-empty').hidden = true;
  $('detail-body').hidden = false;
  $('detail-heading').textContent = 'Event #' + seq;
  let record;
  try {
    record = await getJSON('ui/events/' + seq);
  } catch (error) {
    $('detail-body').hidden = true;
    $('detail-empty').hidden = false;
    $('detail-empty').textContent = 'Event #' + seq + ' cannot be shown: ' + error.message;
    return;
  }
  const link = $('detail-link');
  link.href = '#event=' + seq;
  link.textContent = new URL('#event=' + seq, location.href).href;
  const meta = $('detail-meta');
  meta.replaceChildren();
  const header = (record.event && record.event.commonEventHeader) || {};
  const facts = [['Received', record.received_at], ['Kind', record.kind], ['Path', record.path],
    ['API version', record.api_version], ['Status', record.status], ['Verdict', record.valid ? 'valid' : 'invalid'],
    ['Domain', header.domain], ['Source', header.sourceName], ['Event name', header.eventName || header.eventType],
    ['Event id', header.eventId]];
  for (const [label, value] of facts) {
    if (value === undefined || value === null) continue;
    meta.append(element('dt', null, label), element('dd', null, value));
  }
  const box = $('detail-json');
  box.replaceChildren();
  let lines = null;
  if (record.event !== undefined) {
    lines = new Map();
    box.append(renderJSON(record.event, lines));
  }
  $('detail-json-box').hidden = record.event === undefined;
  $('detail-raw-box').hidden = record.raw === undefined;
  $('detail-raw').textContent = record.raw === undefined ? '' : record.raw;
  describeViolations($('detail-errors'), record.errors || [], lines, 'violation');
  describeViolations($('detail-warnings'), record.warnings || [], lines, 'warning');
  // the first violation in view inside the JSON box, the page itself left where it is
  const first = box.querySelector('.line.violation') || box.querySelector('.line.warning');
  box.scrollTop = first ? Math.max(0, first.offsetTop - 48) : 0;
}

function closeEvent() {
  state.selectedSeq = null;
  $('detail-body').hidden = true;
  $('detail-empty').hidden = false;
  $('detail-heading').textContent = 'Event';
  history.replaceState(null, '', location.pathname + location.search);
  for (const tr of document.querySelectorAll('#events tbody tr')) markShown(tr, false);
}

function followHash(focus) {
  const match = /^#event=(\d+)$/.exec(location.hash);
  if (!match) return;
  showEvent(Number(match[1])).then(() => { if (focus) $('detail-heading').focus(); }).catch(report);
}

// ---- measurement charts ----

async function loadCharts() {
  const query = new URLSearchParams({ limit: '500' });
  if (state.chartSource) query.set('source', state.chartSource);
  const series = await getJSON('ui/series?' + query);
  const form = $('chart-form');
  fillSelect(form.elements.source, series.sources, null);
  if (series.source) { form.elements.source.value = series.source; state.chartSource = series.source; }
  const present = series.fields.filter((name) => standardFields.includes(name));
  const additional = series.fields.filter((name) => !standardFields.includes(name));
  const fieldset = $('chart-fields');
  const known = [...fieldset.querySelectorAll('input')].map((input) => input.value).join();
  if (known !== present.join()) {
    fieldset.replaceChildren(element('legend', null, 'Values'));
    for (const name of present) {
      const input = element('input');
      input.type = 'checkbox';
      input.value = name;
      input.checked = state.chartFields.has(name);
      const label = element('label');
      label.append(input, ' ' + (fieldLabels[name] || name));
      fieldset.append(label);
    }
  }
  fillSelect(form.elements.additional, additional.map((name) => name.replace(/^additional:/, '')), 'none');
  const wanted = present.filter((name) => state.chartFields.has(name));
  if (state.additional && additional.includes('additional:' + state.additional)) {
    wanted.push('additional:' + state.additional);
  }
  $('charts-empty').hidden = series.points.length > 0;
  const charts = $('charts');
  charts.replaceChildren(...wanted.map((name) => chartCard(name, series)));
}

function chartCard(name, series) {
  const card = element('figure', 'chart-card');
  card.dataset.field = name;
  const title = fieldLabels[name] || name.replace(/^additional:/, '');
  const points = series.points
    .filter((point) => typeof point.values[name] === 'number')
    .map((point) => ({ x: point.time !== null ? point.time : Date.parse(point.receivedAt), y: point.values[name] }));
  const caption = element('figcaption');
  caption.append(element('h3', null, title + ' — ' + series.source));
  card.append(caption);
  const width = 400;
  const height = 150;
  const left = 48;
  const bottom = 20;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  if (points.length === 0) {
    chart.setAttribute('aria-label', title + ': no values');
    card.append(chart);
    return card;
  }
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  let [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (xMax === xMin) { xMin -= 1; xMax += 1; }
  if (yMax === yMin) { yMin -= 1; yMax += 1; }
  const px = (x) => left + ((x - xMin) / (xMax - xMin)) * (width - left - 8);
  const py = (y) => 8 + (1 - (y - yMin) / (yMax - yMin)) * (height - bottom - 16);
  chart.append(svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }));
  chart.append(svg('line', { x1: left, y1: 4, x2: left, y2: height - bottom, class: 'axis' }));
  const label = (x, y, text, anchor) => {
    const node = svg('text', { x, y, 'text-anchor': anchor || 'start' });
    node.textContent = text;
    chart.append(node);
  };
  label(left - 4, 14, format(yMax), 'end');
  label(left - 4, height - bottom, format(yMin), 'end');
  label(left, height - 4, new Date(xMin).toISOString().slice(11, 19));
  label(width - 4, height - 4, new Date(xMax).toISOString().slice(11, 19), 'end');
  const d = points.map((p, index) => (index === 0 ? 'M' : 'L') + px(p.x).toFixed(1) + ' ' + py(p.y).toFixed(1)).join(' ');
  chart.append(svg('path', { d, class: 'line' }));
  if (points.length <= 60) {
    for (const p of points) chart.append(svg('circle', { cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: 2.5 }));
  }
  const lastValue = ys[ys.length - 1];
  chart.setAttribute('aria-label', `${title} of ${series.source}: ${points.length} values from ${format(yMin)} to `
    + `${format(yMax)}, last ${format(lastValue)}`);
  card.append(chart);
  return card;
}

function format(value) {
  if (Math.abs(value) >= 1e9) return (value / 1e9).toFixed(1) + 'G';
  if (Math.abs(value) >= 1e6) return (value / 1e6).toFixed(1) + 'M';
  if (Math.abs(value) >= 1e4) return (value / 1e3).toFixed(1) + 'k';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function wireCharts() {
  const form = $('chart-form');
  form.addEventListener('change', (event) => {
    if (event.target.name === 'source') state.chartSource = event.target.value;
    if (event.target.name === 'additional') state.additional = event.target.value;
    if (event.target.type === 'checkbox') {
      if (event.target.checked) state.chartFields.add(event.target.value);
      else state.chartFields.delete(event.target.value);
    }
    loadCharts().catch(report);
  });
  form.addEventListener('submit', (event) => event.preventDefault());
}

// ---- test control ----

function say(text, isError) {
  const result = $('control-result');
  result.textContent = text;
  result.className = isError ? 'error' : '';
}

async function control(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = body;
  const response = await fetch(api(path), init);
  if (!response.ok) throw new Error(await problem(response));
  return response;
}

async function download(path, name) {
  const response = await control('GET', path);
  const url = URL.createObjectURL(await response.blob());
  const link = element('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function wireControls() {
  $('auth-form').elements.token.value = state.token;
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = event.target.elements.token.value.trim();
    sessionStorage.setItem('ves-control-token', state.token);
    say(state.token ? 'The token is used for this tab.' : 'No token is used.');
    refreshAll();
  });
  $('command-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = event.target.elements.commandList.value;
    try {
      JSON.parse(text);
    } catch (error) {
      say('The commandList is not JSON: ' + error.message, true);
      return;
    }
    try {
      const pending = await (await control('POST', 'commandList', text)).json();
      say('Queued: ' + JSON.stringify(pending));
    } catch (error) { say('Not queued: ' + error.message, true); }
  });
  $('fault-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const fault = {
      status: Number(form.status.value), count: Number(form.count.value), delay_ms: Number(form.delay.value),
      drop_connection: form.drop.checked,
    };
    try {
      const pending = await (await control('POST', 'faults', JSON.stringify(fault))).json();
      say('Fault queued: ' + JSON.stringify(pending));
    } catch (error) { say('Not queued: ' + error.message, true); }
  });
  $('clear').addEventListener('click', async () => {
    if (!window.confirm('Delete every record the listener holds in memory (the record file stays)?')) return;
    try {
      const answer = await (await control('DELETE', 'events')).json();
      say('Deleted ' + answer.deleted + ' records.');
      closeEvent();
      refreshAll();
    } catch (error) { say('Not cleared: ' + error.message, true); }
  });
  $('download-record').addEventListener('click', () => download('ui/record', 'ves-record.jsonl')
    .catch((error) => say('No download: ' + error.message, true)));
  $('download-junit').addEventListener('click', () => download('ui/junit', 'ves-junit.xml')
    .catch((error) => say('No download: ' + error.message, true)));
  $('detail-close').addEventListener('click', closeEvent);
}

// ---- live updates ----

function report(error) {
  $('live').textContent = 'error: ' + error.message;
  $('live').className = 'live off';
}

const refreshSummary = throttled(() => loadSummary().catch(report), 1000);
const refreshRows = throttled(() => { if (state.before === null) loadRows().catch(report); }, 500);
const refreshCharts = throttled(() => loadCharts().catch(report), 2000);

function refreshAll() {
  refreshSummary();
  refreshRows();
  refreshCharts();
}

function onMessage(name, data) {
  const tick = JSON.parse(data);
  const live = $('live');
  live.className = 'live on';
  live.textContent = `live: ${tick.events} events, ${tick.invalid} invalid, last seq ${tick.lastSeq}`;
  if (name === 'update') refreshAll();
}

// Follows ui/stream (server-sent events) with fetch, so a control token can go in a header; reconnects and
// reads everything again when the stream ends (a restart, or a page too slow that the listener dropped).
async function follow() {
  for (;;) {
    try {
      const response = await fetch(api('ui/stream'), { headers: headers(), cache: 'no-store' });
      if (!response.ok) throw new Error(await problem(response));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) name = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) onMessage(name, data.join('\n'));
        }
      }
      $('live').textContent = 'stream ended; reconnecting…';
    } catch (error) {
      $('live').textContent = 'disconnected (' + error.message + '); reconnecting…';
    }
    $('live').className = 'live off';
    await new Promise((resolve) => setTimeout(resolve, 2000));
    refreshAll();
  }
}

function start() {
  wireTable();
  wireCharts();
  wireControls();
  window.addEventListener('hashchange', () => followHash(true));
  Promise.all([loadSummary(), loadRows(), loadCharts()]).catch(report);
  followHash(false);
  follow();
}

start();
