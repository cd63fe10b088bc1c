// The dashboard of `sluice serve`: plain DOM code over the REST API (openapi.yaml), no framework and
// no build step. Everything that comes from the API reaches the page through textContent or
// setAttribute, never through innerHTML, so a pipeline name or an error message cannot inject markup.
'use strict';

(() => {
  const API = '/api/v1';
  const REFRESH_MS = 5000;
  // Right after an action the run it started is followed more closely for a little while.
  const FAST_REFRESH_MS = 1000;
  const FAST_FOR_MS = 15000;
  const TOKEN_KEY = 'sluice.token';
  const RUNS_SHOWN = 20;

  const state = {
    selected: null,        // the name of the pipeline shown in detail
    pipelines: new Map(),  // name -> summary, from the last refresh
    runShown: null,        // run id whose details are open
    windowShown: null,     // focus key of the window whose details are open
    windows: [],           // the windows of the selected pipeline, as drawn
    refreshing: false,
    refreshAgain: false,
    fastUntil: 0,
    timer: null,
    messageFromRefresh: false,
    needsToken: null,      // what asked for a token: 'refresh' or 'action'; null when nothing did
    signatures: new Map(), // section -> JSON of the data it was last drawn from
    errors: new Map(),     // error id -> error record, fetched once
  };

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------------------------------ DOM

  /** Makes an element; strings among the children become text nodes, never markup. */
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.className = value;
      else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  /** Redraws a section only when its data changed, so tooltips and selections survive a refresh. */
  function drawIfChanged(section, data, draw) {
    const signature = JSON.stringify(data);
    if (state.signatures.get(section) === signature) return;
    state.signatures.set(section, signature);
    keepingFocus(draw);
  }

  /** Runs a redraw and gives the focus back to the element that stands for the same thing. */
  function keepingFocus(draw) {
    const active = document.activeElement;
    const key = active && active.dataset ? active.dataset.focus : undefined;
    draw();
    if (!key) return;
    const again = document.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (again && again !== document.activeElement) again.focus({ preventScroll: true });
  }

  /** A table cell; its label heads it when a narrow window shows the rows as cards. */
  function cell(label, ...children) {
    return h('td', { 'data-label': label }, h('div', { class: 'value' }, ...children));
  }

  function errorId(id) {
    if (!id) return h('span', { class: 'muted' }, '—');
    return h('span', { class: 'error-id-wrap' },
      h('code', { class: 'error-id', title: 'error id' }, id),
      h('button', { type: 'button', class: 'copy', 'aria-label': `Copy error id ${id}`, onclick: (e) => copy(id, e.currentTarget) }, 'Copy'));
  }

  async function copy(text, button) {
    const code = button.previousElementSibling;
    try {
      await navigator.clipboard.writeText(text);
      showMessage('ok', `Copied error id ${text}.`);
    } catch {
      // The clipboard API needs a secure context (https or loopback); select the text instead.
      if (code) window.getSelection().selectAllChildren(code);
      showMessage('ok', 'The error id is selected: press Ctrl+C (or ⌘C) to copy it.');
    }
  }

  function badge(kind, value) {
    return h('span', { class: `badge ${kind}-${value}` }, value.replace(/_/g, ' '));
  }

  // ---------------------------------------------------------------------------------- formatting

  const pad = (n, width = 2) => String(n).padStart(width, '0');

  /** An instant as "2025-03-30 14:05:00 UTC" (the API and the books are in UTC). */
  function formatTime(iso) {
    if (!iso) return '—';
    const t = parseInstant(iso);
    if (Number.isNaN(t)) return iso;
    const d = new Date(t);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  }

  /** A shorter instant for the timeline's axis: seconds only when they are not zero. */
  function formatShort(iso) {
    const t = parseInstant(iso);
    if (Number.isNaN(t)) return iso;
    const d = new Date(t);
    const seconds = d.getUTCSeconds() ? `:${pad(d.getUTCSeconds())}` : '';
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds}Z`;
  }

  function formatPosition(cursor, text) {
    if (text === null || text === undefined) return '—';
    return cursor === 'id' ? text : formatTime(text);
  }

  /** Seconds as "3h 12m", "2d 4h", "5m 3s" or "40s": the two largest units. */
  function formatDuration(seconds) {
    if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
    let s = Math.max(0, Math.round(seconds));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const hours = Math.floor(s / 3600); s -= hours * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (d) return `${d}d ${hours}h`;
    if (hours) return `${hours}h ${m}m`;
    if (m) return `${m}m ${s}s`;
    return `${s}s`;
  }

  function relative(iso) {
    const t = parseInstant(iso);
    if (Number.isNaN(t)) return '';
    const seconds = (t - Date.now()) / 1000;
    return seconds >= 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
  }

  /**
   * Milliseconds since the epoch of an ISO-8601 instant, keeping the digits past milliseconds as a
   * fraction (the books keep microseconds; Date.parse is only specified for three digits).
   */
  function parseInstant(text) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(String(text));
    if (!m) return NaN;
    const fraction = m[2] || '';
    const ms = Date.parse(`${m[1]}.${fraction.padEnd(3, '0').slice(0, 3)}${m[3]}`);
    const rest = fraction.length > 3 ? Number(`0.${fraction.slice(3)}`) : 0;
    return ms + rest;
  }

  // --------------------------------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, body, fallback) {
      super(body && typeof body.message === 'string' ? body.message : fallback);
      this.status = status;
      this.errorId = body && typeof body.error_id === 'string' ? body.error_id : null;
      this.code = body && typeof body.error_code === 'string' ? body.error_code : null;
    }
  }

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch {
      return '';
    }
  }

  /** One API call; the token, when one is set, goes with every request, in the header only. */
  async function request(method, path, body) {
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = `Bearer ${t}`;
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, null, `The service does not answer (${e.message}); the page keeps trying.`);
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        // Not JSON: the status line says enough.
      }
    }
    if (!response.ok) throw new ApiError(response.status, json, `${method} ${path} answered ${response.status} ${response.statusText}`);
    return json;
  }

  const pipelinePath = (name) => `${API}/pipelines/${encodeURIComponent(name)}`;

  // ------------------------------------------------------------------------------ messages, token

  function showMessage(kind, text, id = null, fromRefresh = false) {
    const box = $('message');
    state.messageFromRefresh = fromRefresh;
    // The same message again (a refresh that keeps failing) is not announced again.
    if (!box.hidden && box.dataset.kind === kind && $('message-text').textContent === text && box.dataset.errorId === (id || '')) return;
    box.dataset.kind = kind;
    box.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
    $('message-text').textContent = text;
    const idLine = $('message-error-id');
    idLine.hidden = !id;
    idLine.querySelector('code').textContent = id || '';
    box.dataset.errorId = id || '';
    box.hidden = false;
  }

  function clearMessage() {
    $('message').hidden = true;
    state.messageFromRefresh = false;
  }

  function showError(e, fromRefresh = false) {
    showMessage('error', e.message, e.errorId, fromRefresh);
    if (e.status !== 401) return;
    askForToken(null, fromRefresh ? 'refresh' : 'action');
    if (!fromRefresh) $('token').focus();
  }

  /** Points at the token field; takes the focus only the first time, not on every refresh. */
  function askForToken(note, by) {
    const form = $('token-form');
    form.classList.add('attention');
    $('token-state').textContent = note || (token()
      ? 'The service refused this token: enter another one.'
      : 'The service needs a token: enter it here.');
    const first = !state.needsToken;
    // A refused action keeps asking until another token is given; a refused read until reads pass.
    if (first || by === 'action') state.needsToken = by;
    if (!first) return;
    const active = document.activeElement;
    if (!active || active === document.body || !active.matches('input, textarea')) $('token').focus();
  }

  function showTokenState() {
    $('token-form').classList.remove('attention');
    state.needsToken = null;
    $('token-state').textContent = token() ? 'A token is set for this tab.' : 'No token set.';
  }

  function saveToken(event) {
    event.preventDefault();
    const input = $('token');
    const value = input.value.trim();
    if (!value) {
      askForToken('Enter a token first.', 'action');
      return;
    }
    try {
      sessionStorage.setItem(TOKEN_KEY, value);
    } catch {
      showMessage('error', 'This browser does not let the page keep the token (session storage is off).');
      return;
    }
    input.value = '';
    showTokenState();
    if (state.messageFromRefresh || $('message').dataset.kind === 'error') clearMessage();
    refresh();
  }

  function forgetToken() {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Nothing was kept.
    }
    $('token').value = '';
    showTokenState();
  }

  // -------------------------------------------------------------------------------------- refresh

  function scheduleRefresh() {
    clearTimeout(state.timer);
    const delay = Date.now() < state.fastUntil ? FAST_REFRESH_MS : REFRESH_MS;
    state.timer = setTimeout(refresh, delay);
  }

  async function refresh() {
    if (state.refreshing) {
      state.refreshAgain = true;
      return;
    }
    state.refreshing = true;
    clearTimeout(state.timer);
    try {
      const list = await request('GET', `${API}/pipelines`);
      state.pipelines = new Map(list.pipelines.map((p) => [p.name, p]));
      if (state.selected && !state.pipelines.has(state.selected)) {
        showMessage('error', `The pipeline ${state.selected} is no longer loaded.`);
        select(null, false);
      }
      if (!state.selected && list.pipelines.length > 0 && !fromHash()) select(list.pipelines[0].name, false);
      drawPipelines(list);
      if (state.selected) await refreshDetail(state.selected);
      markRefreshed();
      if (state.messageFromRefresh) clearMessage();
      // A refused read is over once reads pass; a refused action waits for another token.
      if (state.needsToken === 'refresh') showTokenState();
    } catch (e) {
      $('refreshed').classList.add('stale');
      $('refreshed').title = 'the last refresh failed';
      showError(e, true);
    } finally {
      state.refreshing = false;
      if (state.refreshAgain) {
        state.refreshAgain = false;
        refresh();
      } else {
        scheduleRefresh();
      }
    }
  }

  function markRefreshed() {
    const now = new Date();
    const el = $('refreshed');
    el.textContent = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
    el.dataset.at = now.toISOString();
    el.setAttribute('datetime', now.toISOString());
    el.classList.remove('stale');
    el.title = 'local time of the last refresh';
  }

  async function refreshDetail(name) {
    const base = pipelinePath(name);
    const [windows, runs, keys, run] = await Promise.all([
      request('GET', `${base}/windows`),
      request('GET', `${base}/runs?limit=${RUNS_SHOWN}`),
      request('GET', `${base}/keys`),
      state.runShown === null ? Promise.resolve(null)
        : request('GET', `${base}/runs/${encodeURIComponent(state.runShown)}`).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    ]);
    if (state.selected !== name) return; // the user chose another pipeline meanwhile
    drawDetail(state.pipelines.get(name));
    drawIfChanged('timeline', windows, () => drawTimeline(windows));
    drawIfChanged('runs', runs, () => drawRuns(runs.runs));
    drawIfChanged('keys', keys, () => drawKeys(keys.keys));
    drawIfChanged('tally', keys.tally, () => drawTally(keys.tally));
    if (state.runShown !== null) drawIfChanged('run', run, () => drawRun(run));
    drawWindowDetail();
  }

  // ------------------------------------------------------------------------------------ selection

  function fromHash() {
    const m = /^#pipeline=(.+)$/.exec(location.hash);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]);
    } catch {
      return null;
    }
  }

  function select(name, load = true) {
    if (name === state.selected) return;
    state.selected = name;
    state.runShown = null;
    state.windowShown = null;
    state.windows = [];
    for (const section of ['timeline', 'runs', 'keys', 'tally', 'run', 'detail']) state.signatures.delete(section);
    $('run-detail').hidden = true;
    $('window-detail').hidden = true;
    $('backfill-form').hidden = true;
    $('action-backfill').setAttribute('aria-expanded', 'false');
    $('detail').hidden = name === null;
    // Nothing of the previous pipeline stays on screen while the new one loads.
    $('detail-title').textContent = name || '';
    $('detail-description').textContent = '';
    $('detail-refused').hidden = true;
    $('timeline').replaceChildren();
    $('timeline').dataset.windows = '0';
    $('timeline').dataset.pipeline = '';
    $('timeline-summary').textContent = 'Loading…';
    $('failed-windows')?.remove();
    $('runs').querySelector('tbody').replaceChildren();
    $('keys').querySelector('tbody').replaceChildren();
    $('keys-tally').hidden = true;
    history.replaceState(null, '', name === null ? location.pathname : `#pipeline=${encodeURIComponent(name)}`);
    for (const row of document.querySelectorAll('#pipelines tbody tr[data-pipeline]')) {
      const chosen = row.dataset.pipeline === name;
      row.classList.toggle('selected', chosen);
      row.querySelector('button.pipeline-name').setAttribute('aria-pressed', String(chosen));
    }
    if (load && name !== null) refresh();
  }

  // ------------------------------------------------------------------------------------ pipelines

  function drawPipelines(list) {
    keepingFocus(() => {
      const body = $('pipelines').querySelector('tbody');
      body.replaceChildren();
      for (const p of list.pipelines) {
        body.append(pipelineRow(p));
        if (p.refused_change) {
          body.append(h('tr', { class: 'refused', 'data-refused': p.name },
            h('td', { colspan: 10 }, h('strong', {}, `${p.file}: `),
              `the newest version was refused, the version before it runs. ${p.refused_change}`)));
        }
      }
      $('pipelines-empty').hidden = list.pipelines.length > 0;
      const problems = $('problems-list');
      problems.replaceChildren(...list.problems.map((p) =>
        h('li', { 'data-file': p.file }, h('code', {}, p.file), ' ', h('span', { class: 'problem' }, p.problem))));
      $('problems').hidden = list.problems.length === 0;
    });
  }

  function pipelineRow(p) {
    const chosen = p.name === state.selected;
    const running = p.running
      ? h('span', { class: 'running-now', title: p.running.reason },
        `${p.running.kind}${p.running.run_id === null ? '' : ` (run ${p.running.run_id})`} since ${formatTime(p.running.started_at)}`)
      : h('span', { class: 'muted' }, 'no');
    const last = p.last_run
      ? [badge('run', p.last_run.status), ' ', h('span', { class: 'small', title: p.last_run.details },
        formatTime(p.last_run.finished_at || p.last_run.started_at))]
      : h('span', { class: 'muted' }, 'never ran');
    return h('tr', { 'data-pipeline': p.name, 'data-health': p.health, 'data-enabled': String(p.enabled), class: chosen ? 'selected' : null },
      cell('Pipeline',
        h('button', { type: 'button', class: 'pipeline-name link', 'aria-pressed': String(chosen), 'data-focus': `p:${p.name}`,
          onclick: () => select(p.name) }, p.name),
        h('div', { class: 'small muted' }, p.file)),
      cell('Health', badge('health', p.health)),
      cell('Enabled', p.enabled ? 'yes' : 'no', h('span', { class: 'small muted' }, ` (by ${p.enabled_by})`)),
      cell('Schedule', p.schedule ? p.schedule.description : h('span', { class: 'muted' }, 'on demand only')),
      cell('Next run', p.next_run ? [formatTime(p.next_run), h('div', { class: 'small muted' }, relative(p.next_run))] : h('span', { class: 'muted' }, '—')),
      cell('Watermark', p.watermark === null ? h('span', { class: 'muted' }, 'none yet') : formatPosition(p.cursor, p.watermark)),
      cell('Lag', h('span', { 'data-lag-seconds': p.lag_seconds === null ? '' : p.lag_seconds }, formatDuration(p.lag_seconds))),
      cell('Running', running),
      cell('Windows', windowCounts(p.windows)),
      cell('Last run', last));
  }

  function windowCounts(counts) {
    const parts = [];
    for (const status of ['succeeded', 'failed', 'running', 'discarded']) {
      const n = counts[status];
      if (!n) continue;
      if (parts.length) parts.push(' · ');
      parts.push(h('span', { class: `count count-${status}`, 'data-count': status }, `${n} ${status}`));
    }
    return parts.length ? parts : h('span', { class: 'muted' }, 'none');
  }

  // --------------------------------------------------------------------------------------- detail

  function drawDetail(p) {
    if (!p) return;
    drawIfChanged('detail', [p.name, p.description, p.enabled, p.refused_change, p.cursor, p.health], () => {
      $('detail').dataset.pipeline = p.name;
      $('detail-title').replaceChildren(p.name, ' ', badge('health', p.health));
      $('detail-description').textContent = p.description || '';
      $('detail-description').hidden = !p.description;
      const refused = $('detail-refused');
      refused.hidden = !p.refused_change;
      refused.textContent = p.refused_change ? `The newest version of ${p.file} was refused; the version before it runs. ${p.refused_change}` : '';
      const toggle = $('action-toggle');
      toggle.textContent = p.enabled ? 'Disable' : 'Enable';
      toggle.dataset.enabled = String(p.enabled);
      $('backfill-hint').textContent = p.cursor === 'id'
        ? 'Ids, such as 1 and 60001: the range is [from, to), the end is excluded.'
        : 'ISO-8601 instants in UTC, such as 2025-03-30T00:00:00Z: the range is [from, to), the end is excluded.';
    });
  }

  // ------------------------------------------------------------------------------------- timeline

  /**
   * Draws the window ledger on one axis, left to right. Lanes keep windows that may overlap apart:
   * incremental windows, backfill windows, and windows a reset discarded. A gap is a range between
   * two windows that no window (other than a discarded one) covers. Long gaps are shortened on the
   * axis (and marked so) so that a gap of a month does not squeeze a day of windows to nothing.
   */
  function drawTimeline(data) {
    const box = $('timeline');
    const layout = data.cursor === 'none' ? 'order' : data.cursor;
    const parse = data.cursor === 'id' ? Number : parseInstant;
    let windows = data.windows.map((w) => ({ ...w, s: parse(w.start), e: parse(w.end) }));
    const ordered = layout !== 'order' && windows.every((w) => Number.isFinite(w.s) && Number.isFinite(w.e) && w.e > w.s);
    windows.sort((a, b) => (ordered ? a.s - b.s || a.e - b.e : 0) || a.started_at.localeCompare(b.started_at));
    if (!ordered) windows = windows.map((w, i) => ({ ...w, s: i, e: i + 1 })); // snapshots: one slot each, in order
    const watermark = data.watermark === null || !ordered ? NaN : parse(data.watermark);

    box.dataset.windows = String(windows.length);
    box.classList.toggle('dense', windows.length > 150); // blocks of a few pixels lose their borders
    box.dataset.layout = ordered ? layout : 'order';
    box.dataset.pipeline = state.selected;
    box.replaceChildren();
    state.windows = [];
    if (windows.length === 0) {
      box.append(h('p', { class: 'muted empty' }, 'No window on the books yet.'));
      $('timeline-summary').textContent = '';
      $('failed-windows')?.remove();
      return;
    }

    const gaps = ordered ? findGaps(windows) : [];
    const axis = scale(windows, gaps, watermark);
    const lanes = packLanes(windows);

    const labels = h('div', { class: 'lane-labels', 'aria-hidden': 'true' });
    const plot = h('div', { class: 'plot' });
    for (const lane of lanes) {
      labels.append(h('div', { class: 'lane-label' }, lane.label));
      const track = h('div', { class: 'track', 'data-lane': lane.kind, role: 'group', 'aria-label': `${lane.label} windows` });
      for (const w of lane.windows) track.append(windowBlock(w, axis, data.cursor));
      plot.append(track);
    }
    for (const g of gaps) {
      const gap = h('div', { class: `gap${axis.shortened.has(g) ? ' shortened' : ''}`, 'data-start': g.start, 'data-end': g.end,
        'data-shortened': String(axis.shortened.has(g)), title: `gap: no window covers ${formatPosition(data.cursor, g.start)} to ${formatPosition(data.cursor, g.end)}` });
      place(gap, axis.x(g.s), axis.x(g.e));
      plot.append(gap);
    }
    if (Number.isFinite(watermark)) {
      const mark = h('div', { class: 'watermark', 'data-position': data.watermark, title: `watermark: ${formatPosition(data.cursor, data.watermark)}` },
        h('span', { class: 'watermark-label' }, 'watermark'));
      mark.style.left = `${axis.x(watermark)}%`;
      // Near the right end the label goes on the left of the line, so that it stays inside the timeline.
      mark.classList.toggle('label-left', axis.x(watermark) > 85);
      plot.append(mark);
    }
    const ends = h('div', { class: 'axis', 'aria-hidden': 'true' },
      h('span', {}, ordered ? formatAxis(data.cursor, windows[0].start) : 'oldest'),
      h('span', {}, ordered ? formatAxis(data.cursor, lastEnd(windows)) : 'newest'));
    box.append(labels, plot, h('div', { class: 'lane-label' }), ends);

    state.windows = [...box.querySelectorAll('.window')].sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order));
    const current = state.windows.find((el) => el.dataset.focus === state.windowShown)
      || state.windows.find((el) => el.dataset.status === 'failed') || state.windows[state.windows.length - 1];
    current.tabIndex = 0;
    current.classList.toggle('selected', current.dataset.focus === state.windowShown);

    describeTimeline(data, windows, gaps);
    drawFailedWindows(data.cursor, windows);
  }

  function lastEnd(windows) {
    return windows.reduce((best, w) => (w.e > best.e ? w : best)).end;
  }

  function formatAxis(cursor, text) {
    return cursor === 'id' ? text : formatShort(text);
  }

  function findGaps(windows) {
    const covering = windows.filter((w) => w.status !== 'discarded');
    const gaps = [];
    let reach = null;
    for (const w of covering) {
      if (reach !== null && w.s > reach.e) gaps.push({ start: reach.end, end: w.start, s: reach.e, e: w.s });
      if (reach === null || w.e > reach.e) reach = w;
    }
    return gaps;
  }

  /** Maps positions to percentages of the axis; gaps longer than twice the typical window are shortened. */
  function scale(windows, gaps, watermark) {
    const lengths = windows.map((w) => w.e - w.s).sort((a, b) => a - b);
    const typical = lengths[Math.floor(lengths.length / 2)];
    const cap = typical * 2;
    const points = new Set();
    for (const w of windows) points.add(w.s).add(w.e);
    if (Number.isFinite(watermark)) points.add(watermark);
    const sorted = [...points].sort((a, b) => a - b);
    const shortened = new Set();
    const inGap = (a, b) => gaps.find((g) => g.s <= a && b <= g.e);
    const offsets = new Map();
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      offsets.set(sorted[i], total);
      if (i + 1 === sorted.length) break;
      let length = sorted[i + 1] - sorted[i];
      const uncovered = !windows.some((w) => w.s < sorted[i + 1] && sorted[i] < w.e);
      if (uncovered && length > cap) {
        length = cap;
        const gap = inGap(sorted[i], sorted[i + 1]);
        if (gap) shortened.add(gap);
      }
      total += length;
    }
    return { x: (v) => (total > 0 ? (offsets.get(v) / total) * 100 : 0), shortened };
  }

  /** Puts windows that overlap on separate rows, incremental first, then backfill, then discarded. */
  function packLanes(windows) {
    const kinds = [
      { kind: 'incremental', label: 'incremental', test: (w) => !w.backfill && w.status !== 'discarded' },
      { kind: 'backfill', label: 'backfill', test: (w) => w.backfill && w.status !== 'discarded' },
      { kind: 'discarded', label: 'discarded', test: (w) => w.status === 'discarded' },
    ];
    const lanes = [];
    windows.forEach((w, i) => { w.order = i; });
    for (const k of kinds) {
      const rows = [];
      for (const w of windows.filter(k.test)) {
        let row = rows.find((r) => r.end <= w.s);
        if (!row) {
          row = { kind: k.kind, label: rows.length ? '' : k.label, windows: [], end: -Infinity };
          rows.push(row);
        }
        row.windows.push(w);
        row.end = w.e;
      }
      lanes.push(...rows);
    }
    return lanes;
  }

  function place(el, left, right) {
    el.style.left = `${left}%`;
    el.style.width = `${Math.max(right - left, 0)}%`;
  }

  function windowKey(w) {
    return `w:${w.backfill ? 'b' : 'i'}:${w.status === 'discarded' ? 'd' : ''}:${w.start}:${w.end}`;
  }

  function windowTitle(w, cursor) {
    const lines = [
      `${formatPosition(cursor, w.start)} → ${formatPosition(cursor, w.end)}`,
      `${w.status}${w.backfill ? ' (backfill)' : ''}, attempt ${w.attempt}`,
      `records: ${w.records_read} read, ${w.records_written} written, ${w.records_rejected} rejected`,
      `run ${w.run_id}`,
    ];
    if (w.error_id) lines.push(`error id: ${w.error_id}`);
    return lines.join('\n');
  }

  function windowBlock(w, axis, cursor) {
    const title = windowTitle(w, cursor);
    const el = h('div', {
      class: `window status-${w.status}${w.backfill ? ' backfill' : ''}`,
      role: 'button', tabindex: '-1', title, 'aria-label': title.replace(/\n/g, '; '),
      'data-status': w.status, 'data-start': w.start, 'data-end': w.end, 'data-backfill': String(w.backfill),
      'data-attempt': w.attempt, 'data-run-id': w.run_id, 'data-error-id': w.error_id || null,
      'data-records-written': w.records_written, 'data-order': w.order, 'data-focus': windowKey(w),
    });
    el.sluiceWindow = w;
    place(el, axis.x(w.s), axis.x(w.e));
    el.addEventListener('click', () => showWindow(el));
    el.addEventListener('keydown', (e) => onWindowKey(e, el));
    return el;
  }

  /** One tab stop for the whole timeline; arrow keys move between windows in time order. */
  function onWindowKey(e, el) {
    const i = state.windows.indexOf(el);
    let next = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = state.windows[i + 1];
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = state.windows[i - 1];
    else if (e.key === 'Home') next = state.windows[0];
    else if (e.key === 'End') next = state.windows[state.windows.length - 1];
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      showWindow(el);
      return;
    } else return;
    e.preventDefault();
    if (!next) return;
    el.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
    showWindow(next);
  }

  function showWindow(el) {
    for (const other of state.windows) {
      other.classList.remove('selected');
      other.tabIndex = -1;
    }
    el.classList.add('selected');
    el.tabIndex = 0;
    state.windowShown = el.dataset.focus;
    drawWindowDetail();
  }

  function drawWindowDetail() {
    const panel = $('window-detail');
    const el = state.windows.find((x) => x.dataset.focus === state.windowShown);
    if (!el) {
      panel.hidden = true;
      return;
    }
    const w = el.sluiceWindow;
    const cursor = state.pipelines.get(state.selected)?.cursor;
    const signature = JSON.stringify([w, state.errors.get(w.error_id) || null]);
    if (!panel.hidden && panel.dataset.signature === signature) return;
    panel.dataset.signature = signature;
    panel.dataset.start = w.start;
    panel.dataset.end = w.end;
    const rows = [
      ['Window', `${formatPosition(cursor, w.start)} → ${formatPosition(cursor, w.end)}`],
      ['Status', [badge('window', w.status), w.backfill ? ' backfill' : '']],
      ['Attempt', String(w.attempt)],
      ['Records', `${w.records_read} read, ${w.records_written} written, ${w.records_rejected} rejected`],
      ['Run', h('button', { type: 'button', class: 'link', 'data-focus': `wr:${w.run_id}`, onclick: () => openRun(w.run_id) }, `run ${w.run_id}`)],
      ['Started', formatTime(w.started_at)],
      ['Finished', formatTime(w.finished_at)],
    ];
    if (w.error_id) rows.push(['Error id', errorId(w.error_id)]);
    const error = w.error_id ? state.errors.get(w.error_id) : null;
    if (error) rows.push(['Error', [h('code', {}, error.error_code), ' ', h('span', { class: 'error-message' }, error.message)]]);
    keepingFocus(() => panel.replaceChildren(
      h('h4', {}, 'Window details'),
      definitions(rows),
      h('button', { type: 'button', onclick: () => closeWindow() }, 'Close')));
    panel.hidden = false;
    if (w.error_id && !state.errors.has(w.error_id)) loadError(w.error_id);
  }

  function closeWindow() {
    state.windowShown = null;
    for (const other of state.windows) other.classList.remove('selected');
    $('window-detail').hidden = true;
  }

  async function loadError(id) {
    try {
      state.errors.set(id, await request('GET', `${API}/errors/${encodeURIComponent(id)}`));
      drawWindowDetail();
    } catch (e) {
      if (e.status === 401) showError(e);
      // Otherwise the id alone is shown; the next refresh tries again.
    }
  }

  function describeTimeline(data, windows, gaps) {
    const counts = {};
    for (const w of windows) counts[w.status] = (counts[w.status] || 0) + 1;
    const parts = ['succeeded', 'failed', 'running', 'discarded'].filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
    const backfills = windows.filter((w) => w.backfill).length;
    let text = `${windows.length} window${windows.length === 1 ? '' : 's'} (${parts.join(', ')})`;
    if (backfills) text += `, ${backfills} of them backfill`;
    text += gaps.length ? `; ${gaps.length} gap${gaps.length === 1 ? '' : 's'}` : '; no gap';
    text += data.watermark === null ? '; no watermark yet.' : `; watermark ${formatPosition(data.cursor, data.watermark)}.`;
    if (windows.length >= 500) text += ' Only the newest 500 windows are drawn.';
    $('timeline-summary').textContent = text;
  }

  function drawFailedWindows(cursor, windows) {
    const failed = windows.filter((w) => w.status === 'failed');
    $('failed-windows')?.remove();
    if (!failed.length) return;
    const list = h('div', { id: 'failed-windows' }, h('h4', { id: 'failed-windows-title' }, `Failed windows (${failed.length})`),
      h('ul', { class: 'failed-windows', 'aria-labelledby': 'failed-windows-title' },
      failed.map((w) => h('li', { 'data-start': w.start, 'data-end': w.end, 'data-error-id': w.error_id || null },
        badge('window', 'failed'), ' ',
        h('button', { type: 'button', class: 'link', 'data-focus': `fw:${windowKey(w)}`,
          onclick: () => showWindow(state.windows.find((x) => x.dataset.focus === windowKey(w))) },
        `${formatPosition(cursor, w.start)} → ${formatPosition(cursor, w.end)}`),
        ` attempt ${w.attempt} `, errorId(w.error_id)))));
    document.querySelector('.legend').after(list);
  }

  // ------------------------------------------------------------------------------------------ runs

  function drawRuns(runs) {
    const body = $('runs').querySelector('tbody');
    body.replaceChildren(...runs.map((r) => h('tr', {
      'data-run-id': r.run_id, 'data-status': r.status, 'data-kind': r.kind, class: r.run_id === state.runShown ? 'selected' : null,
    },
    cell('Run', h('span', { title: `run id ${r.run_id}` }, `#${r.sequence}`)),
    cell('Kind', r.kind),
    cell('Status', badge('run', r.status)),
    cell('Started', formatTime(r.started_at)),
    cell('Took', r.finished_at ? formatDuration((parseInstant(r.finished_at) - parseInstant(r.started_at)) / 1000)
      : h('span', { class: 'running-now' }, 'running')),
    cell('Windows ok / failed', `${r.windows_succeeded} / ${r.windows_failed}`),
    cell('Records read / written / rejected', `${r.records_read} / ${r.records_written} / ${r.records_rejected}`),
    cell('Error id', errorId(r.error_id)),
    cell('', h('button', {
      type: 'button', class: 'run-details', 'data-focus': `r:${r.run_id}`, 'aria-controls': 'run-detail',
      'aria-expanded': String(r.run_id === state.runShown), onclick: () => openRun(r.run_id),
    }, 'Details')))));
    $('runs-empty').hidden = runs.length > 0;
  }

  async function openRun(runId) {
    state.runShown = runId;
    for (const row of document.querySelectorAll('#runs tbody tr')) {
      const chosen = Number(row.dataset.runId) === runId;
      row.classList.toggle('selected', chosen);
      row.querySelector('button.run-details').setAttribute('aria-expanded', String(chosen));
    }
    const name = state.selected;
    try {
      const run = await request('GET', `${pipelinePath(name)}/runs/${encodeURIComponent(runId)}`);
      if (state.selected !== name || state.runShown !== runId) return;
      state.signatures.set('run', JSON.stringify(run));
      drawRun(run);
      $('run-detail').scrollIntoView({ block: 'nearest' });
    } catch (e) {
      showError(e);
    }
  }

  function drawRun(run) {
    const panel = $('run-detail');
    if (!run) {
      panel.hidden = true;
      state.runShown = null;
      return;
    }
    panel.dataset.runId = run.run_id;
    const took = run.finished_at ? formatDuration((parseInstant(run.finished_at) - parseInstant(run.started_at)) / 1000) : 'still running';
    const errors = run.errors.length
      ? h('ul', { class: 'errors' }, run.errors.map((e) => h('li', { class: 'error', 'data-error-id': e.error_id },
        h('p', {}, h('code', { class: 'code' }, e.error_code), ' ', h('span', { class: 'error-message' }, e.message)),
        h('p', { class: 'small' }, 'Error id ', errorId(e.error_id), ` at ${formatTime(e.timestamp)}`),
        Object.keys(e.context).length ? definitions(Object.entries(e.context), 'context') : null)))
      : h('p', { class: 'muted' }, 'No error was recorded during this run.');
    panel.replaceChildren(
      h('h4', {}, `Run #${run.sequence} (run id ${run.run_id})`),
      definitions([
        ['Kind', run.kind],
        ['Status', badge('run', run.status)],
        ['Started', formatTime(run.started_at)],
        ['Finished', run.finished_at ? `${formatTime(run.finished_at)} (took ${took})` : took],
        ['Windows', `${run.windows_succeeded} succeeded, ${run.windows_failed} failed`],
        ['Records', `${run.records_read} read, ${run.records_written} written, ${run.records_rejected} rejected`],
        ['Details', run.details || '—'],
      ]),
      h('h5', {}, `Errors (${run.errors.length})`),
      errors,
      h('button', { type: 'button', onclick: () => closeRun() }, 'Close'));
    panel.hidden = false;
  }

  function closeRun() {
    state.runShown = null;
    state.signatures.delete('run');
    $('run-detail').hidden = true;
    for (const row of document.querySelectorAll('#runs tbody tr')) {
      row.classList.remove('selected');
      row.querySelector('button.run-details').setAttribute('aria-expanded', 'false');
    }
  }

  function definitions(rows, className = null) {
    return h('dl', { class: className }, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
  }

  // ------------------------------------------------------------------------------------------ keys

  function drawKeys(keys) {
    const cursor = state.pipelines.get(state.selected)?.cursor;
    $('keys').querySelector('tbody').replaceChildren(...keys.map((k) => h('tr', { 'data-key': k.key, 'data-outcome': k.outcome },
      cell('Key', h('code', {}, k.key)),
      cell('Reason', k.reason || '—'),
      cell('Answered by', k.answered_by || '—'),
      cell('Attempts', String(k.attempts)),
      cell('Window', k.window_start === null ? '—'
        : `${formatPosition(cursor, k.window_start)} → ${formatPosition(cursor, k.window_end)}${k.backfill ? ' (backfill)' : ''}`),
      cell('Updated', formatTime(k.updated_at)),
      cell('Error id', errorId(k.error_id)))));
    $('keys').hidden = keys.length === 0;
    $('keys-empty').hidden = keys.length > 0;
  }

  /**
   * How the pipeline's keys stand, from each key's latest status, and which request of each step
   * answered the succeeded ones: how often a fallback was needed.
   */
  function drawTally(tally) {
    const el = $('keys-tally');
    el.hidden = tally.succeeded + tally.failed === 0;
    el.dataset.succeeded = String(tally.succeeded);
    el.dataset.failed = String(tally.failed);
    const answers = Object.entries(tally.answered_by);
    el.replaceChildren(h('span', { class: 'tally-counts' },
      `${tally.succeeded.toLocaleString('en')} keys succeeded, ${tally.failed.toLocaleString('en')} failed`,
      answers.length === 0 ? null : '; answered by'),
    answers.length === 0 ? '' : h('ul', { class: 'tally-answers' },
      answers.map(([request, count]) => h('li', { 'data-request': request, 'data-count': String(count) },
        `${request}: ${count.toLocaleString('en')}`))));
  }

  // --------------------------------------------------------------------------------------- actions

  /** Posts an action with the token; a missing or refused token sends the user to the token field. */
  async function act(button, path, body, done) {
    const name = state.selected;
    if (!name) return;
    if (!token()) {
      showMessage('error', `“${button.textContent}” needs an API token: enter it above, then press the button again.`);
      askForToken('Actions need a token: enter it here.', 'action');
      $('token').focus();
      return;
    }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const answer = await request('POST', `${pipelinePath(name)}/${path}`, body);
      showMessage('ok', done(answer, name));
      state.fastUntil = Date.now() + FAST_FOR_MS;
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      refresh();
    }
  }

  const accepted = (what) => (answer, name) => `${what} of ${name} accepted at ${formatTime(answer.at)}; it shows in the runs below.`;

  function bindActions() {
    $('action-run').addEventListener('click', (e) => act(e.currentTarget, 'run', undefined, accepted('A run')));
    $('action-replay-windows').addEventListener('click', (e) =>
      act(e.currentTarget, 'replay', { what: 'windows' }, accepted('A replay of the failed windows')));
    $('action-replay-keys').addEventListener('click', (e) =>
      act(e.currentTarget, 'replay', { what: 'keys' }, accepted('A replay of the failed keys')));
    $('action-toggle').addEventListener('click', (e) => {
      const enable = e.currentTarget.dataset.enabled !== 'true';
      act(e.currentTarget, enable ? 'enable' : 'disable', undefined,
        (answer, name) => `${name} is now ${answer.enabled ? 'enabled' : 'disabled'}.`);
    });
    $('action-backfill').addEventListener('click', (e) => {
      const form = $('backfill-form');
      form.hidden = !form.hidden;
      e.currentTarget.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) $('backfill-from').focus();
    });
    $('backfill-cancel').addEventListener('click', () => {
      $('backfill-form').hidden = true;
      $('action-backfill').setAttribute('aria-expanded', 'false');
      $('action-backfill').focus();
    });
    $('backfill-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const from = $('backfill-from').value.trim();
      const to = $('backfill-to').value.trim();
      act($('backfill-submit'), 'backfill', { from, to },
        (answer, name) => `A backfill of ${name} from ${from} to ${to} accepted at ${formatTime(answer.at)}; it shows in the runs below.`);
    });
  }

  // ------------------------------------------------------------------------------------------ start

  function start() {
    $('token-form').addEventListener('submit', saveToken);
    $('token-forget').addEventListener('click', forgetToken);
    $('message-close').addEventListener('click', clearMessage);
    bindActions();
    showTokenState();
    window.addEventListener('hashchange', () => {
      const name = fromHash();
      if (name && name !== state.selected) select(name);
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refresh();
    });
    const wanted = fromHash();
    if (wanted) select(wanted, false);
    refresh();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
