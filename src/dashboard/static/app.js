// The dashboard page: filters in the URL, one vega view per panel, cross-filter by device; served, it is
// live (server-sent events from /api/live) and alerts can be reviewed (POST /api/reviews).
// Served by `lambda-iot dashboard` and inlined into the static export (window.LAMBDA_IOT_EXPORT).
/* global vega, vegaLite */
(() => {
  const exported = window.LAMBDA_IOT_EXPORT;
  const views = {};
  const rows = {};
  window.dashboard = { views, rows };

  const RANGES = [
    ['1h', 'last hour'],
    ['24h', 'last 24 h'],
    ['7d', 'last 7 days'],
    ['all', 'all'],
    ['custom', 'custom'],
  ];
  const FILTER_KEYS = ['range', 'from', 'to', 'device'];

  function readState() {
    const params = new URLSearchParams(window.location.search);
    const state = {};
    for (const key of [...FILTER_KEYS, 'alert']) {
      const value = params.get(key);
      if (value) state[key] = value;
    }
    return state;
  }

  function query(state, keys) {
    const params = new URLSearchParams();
    for (const key of keys) if (state[key]) params.set(key, state[key]);
    return params.toString();
  }

  const isDevicePage = () => !exported && window.location.pathname === '/device';

  function navigate(state, path) {
    const target = `${path ?? window.location.pathname}?${query(state, [...FILTER_KEYS, 'alert'])}`;
    window.history.pushState(null, '', target);
    render();
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
    return body;
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  async function renderFilters(state) {
    const nav = document.getElementById('filters');
    nav.replaceChildren();
    if (exported) {
      nav.appendChild(
        el('span', {
          text: `static export · range ${exported.state.range}${exported.state.device ? ` · device ${exported.state.device}` : ''} · made ${exported.made}`,
        }),
      );
      return;
    }
    const range = el('select', { id: 'range' });
    for (const [value, label] of RANGES) {
      const option = el('option', { value, text: label });
      if ((state.range || '7d') === value) option.selected = true;
      range.appendChild(option);
    }
    const from = el('input', { id: 'from', type: 'date', value: (state.from || '').slice(0, 10) });
    const to = el('input', { id: 'to', type: 'date', value: (state.to || '').slice(0, 10) });
    const custom = el('span', { id: 'custom' }, [from, to]);
    custom.hidden = state.range !== 'custom';
    range.addEventListener('change', () => {
      if (range.value === 'custom') {
        custom.hidden = false;
        return;
      }
      navigate({ ...state, range: range.value, from: undefined, to: undefined });
    });
    const applyCustom = () => {
      if (from.value && to.value) navigate({ ...state, range: 'custom', from: from.value, to: to.value });
    };
    from.addEventListener('change', applyCustom);
    to.addEventListener('change', applyCustom);
    const device = el('select', { id: 'device' });
    device.appendChild(el('option', { value: '', text: 'all devices' }));
    for (const id of await getJson('/api/devices')) {
      const option = el('option', { value: id, text: id });
      if (state.device === id) option.selected = true;
      device.appendChild(option);
    }
    device.addEventListener('change', () =>
      navigate({ ...state, device: device.value || undefined, alert: undefined }),
    );
    nav.append(el('label', { text: 'range ' }, [range]), custom, el('label', { text: 'device ' }, [device]));
    if (isDevicePage()) {
      nav.appendChild(el('a', { id: 'back', href: `/?${query(state, FILTER_KEYS)}`, text: '← plant' }));
    } else if (state.device) {
      nav.appendChild(
        el('a', { id: 'device-page', href: `/device?${query(state, FILTER_KEYS)}`, text: 'device page →' }),
      );
    }
  }

  async function show(container, name, data, onDatum) {
    const chart = el('div', { class: 'chart' });
    container.replaceChildren(el('p', { class: 'question', text: data.question || '' }), chart);
    const spec = vegaLite.compile(data.spec).spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'svg', container: chart, hover: true });
    if (onDatum) {
      view.addEventListener('click', (_event, item) => {
        const datum = item?.datum;
        if (datum) onDatum(datum);
      });
    }
    await view.runAsync();
    if (name === 'alert_list' && !exported) {
      // Live: the table (with reviews) replaces the chart, which stays as the panel's data view.
      chart.hidden = true;
      container.appendChild(alertTable(data.rows, onDatum));
    }
    views[name] = view;
    rows[name] = data.rows;
    container.dataset.rows = String(data.rows.length);
    container.dataset.state = 'ready';
  }

  function panelBox(main, name) {
    const box = el('section', { class: 'panel', id: `panel-${name}`, 'data-state': 'loading' });
    main.appendChild(box);
    return box;
  }

  async function load(box, name, url, onDatum) {
    try {
      await show(box, name, await getJson(url), onDatum);
    } catch (error) {
      box.dataset.state = 'error';
      box.replaceChildren(el('p', { class: 'error', text: `${name}: ${error.message}` }));
    }
  }

  let generation = 0;
  async function render() {
    const mine = ++generation;
    const state = readState();
    document.body.dataset.ready = 'false';
    document.body.dataset.device = state.device || '';
    for (const key of Object.keys(views)) {
      views[key].finalize();
      delete views[key];
      delete rows[key];
    }
    const main = document.getElementById('panels');
    main.replaceChildren();
    await renderFilters(state);
    const pick = (datum) => {
      if (datum.device_id && datum.device_id !== state.device)
        navigate({ ...state, device: datum.device_id, alert: undefined });
    };
    const jobs = [];
    if (exported) {
      for (const panel of exported.panels) jobs.push(show(panelBox(main, panel.name), panel.name, panel));
    } else if (isDevicePage()) {
      if (!state.device) {
        main.appendChild(el('p', { class: 'notice', text: 'Choose a device.' }));
      } else {
        const filters = query(state, FILTER_KEYS);
        for (const name of ['device_health', 'device_maintenance']) {
          jobs.push(load(panelBox(main, name), name, `/api/panel/${name}?${filters}`));
        }
        const alertsBox = panelBox(main, 'alert_list');
        const telemetryBox = panelBox(main, 'device_telemetry');
        jobs.push(
          (async () => {
            await load(alertsBox, 'alert_list', `/api/panel/alert_list?${filters}`, (datum) => {
              navigate({ ...state, alert: new Date(datum.timestamp).toISOString().replace('.000Z', 'Z') });
            });
            const alert = state.alert || rows.alert_list?.[0]?.timestamp;
            if (!alert) {
              telemetryBox.dataset.state = 'empty';
              telemetryBox.replaceChildren(el('p', { class: 'notice', text: 'No alert in this range.' }));
              return;
            }
            await load(
              telemetryBox,
              'device_telemetry',
              `/api/telemetry?${query({ device: state.device, alert }, ['device', 'alert'])}`,
            );
          })(),
        );
      }
    } else {
      const filters = query(state, FILTER_KEYS);
      const panels = await getJson('/api/panels');
      for (const panel of panels.filter((p) => p.page === 'main')) {
        jobs.push(load(panelBox(main, panel.name), panel.name, `/api/panel/${panel.name}?${filters}`, pick));
      }
    }
    await Promise.all(jobs);
    if (mine === generation) document.body.dataset.ready = 'true';
  }

  // ---- reviews: one row per anomaly, confirm / dismiss / dismiss episode, with the audit trail ----

  const isoTime = (value) => new Date(value).toISOString();

  function auditText(r) {
    const parts = [];
    if (r.confirmed_by) parts.push(`confirmed by ${r.confirmed_by}`);
    if (r.reviewer) {
      const verb = r.review_action === 'dismiss' ? 'dismissed' : 'confirmed';
      parts.push(
        `${verb} by ${r.reviewer} at ${isoTime(r.reviewed_at).slice(0, 19).replace('T', ' ')} UTC${r.review_comment ? `: “${r.review_comment}”` : ''}`,
      );
    }
    return parts.join('; ');
  }

  function alertTable(list, onDatum) {
    const table = el('table', { class: 'alerts' });
    table.appendChild(
      el(
        'tr',
        {},
        ['time (UTC)', 'device', 'type', 'severity', 'status', 'audit trail', 'review'].map((h) =>
          el('th', { text: h }),
        ),
      ),
    );
    for (const r of list) {
      const timestamp = isoTime(r.timestamp);
      const buttons = el('td', { class: 'actions' });
      for (const [action, episode, label] of [
        ['confirm', false, 'confirm'],
        ['dismiss', false, 'dismiss'],
        ['dismiss', true, 'dismiss episode'],
      ]) {
        const button = el('button', {
          type: 'button',
          class: `review-${action}${episode ? '-episode' : ''}`,
          text: label,
        });
        button.addEventListener('click', () =>
          review({ device_id: r.device_id, timestamp, anomaly_type: r.anomaly_type }, action, episode),
        );
        buttons.appendChild(button);
      }
      const row = el(
        'tr',
        {
          class: onDatum ? 'alert selectable' : 'alert',
          'data-device': r.device_id,
          'data-timestamp': timestamp,
          'data-type': r.anomaly_type,
          'data-status': r.status,
        },
        [
          el('td', { text: timestamp.slice(0, 19).replace('T', ' ') }),
          el('td', { text: r.device_id }),
          el('td', { text: r.anomaly_type }),
          el('td', { text: r.severity }),
          el('td', { class: 'status', text: r.status }),
          el('td', { class: 'audit', text: auditText(r) }),
          buttons,
        ],
      );
      // A click on the row (not on a review button) does what a click on the chart's row did.
      if (onDatum) row.addEventListener('click', (event) => event.target.closest('button') || onDatum(r));
      table.appendChild(row);
    }
    return table;
  }

  function say(text, state) {
    const message = document.getElementById('review-message');
    message.textContent = text;
    message.dataset.state = state;
  }

  async function review(anomaly, action, episode) {
    const reviewer = document.getElementById('reviewer');
    const comment = document.getElementById('comment');
    if (!reviewer.value.trim()) {
      say('Enter your name to review.', 'error');
      reviewer.focus();
      return;
    }
    window.localStorage.setItem('lambda-iot-reviewer', reviewer.value.trim());
    say('saving…', 'saving');
    try {
      const response = await fetch('/api/reviews', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...anomaly,
          action,
          reviewer: reviewer.value.trim(),
          comment: comment.value,
          ...(episode ? { episode: true } : {}),
        }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
      comment.value = '';
      say(`${body.reviews.length} review${body.reviews.length === 1 ? '' : 's'} saved`, 'saved');
      refresh();
    } catch (error) {
      say(`review failed: ${error.message}`, 'error');
    }
  }

  // ---- live: server-sent events; a live/paused switch and the time of the last update ----

  let lastVersion;
  let stale = false;

  function setLive(state) {
    const status = document.getElementById('live-status');
    status.dataset.state = state;
    status.textContent = state;
  }

  function refresh() {
    stale = false;
    render();
  }

  function liveBar() {
    const toggle = el('input', { id: 'live-toggle', type: 'checkbox' });
    toggle.checked = true;
    const reviewer = el('input', {
      id: 'reviewer',
      type: 'text',
      placeholder: 'your name',
      maxlength: '100',
    });
    reviewer.value = window.localStorage.getItem('lambda-iot-reviewer') || '';
    const bar = el('div', { id: 'live-bar' }, [
      el('label', { text: 'live ' }, [toggle]),
      el('span', { id: 'live-status', 'data-state': 'connecting', text: 'connecting' }),
      el('span', { id: 'last-update', text: 'no update yet' }),
      el('label', { text: 'reviewer ' }, [reviewer]),
      el('label', { text: 'comment ' }, [
        el('input', { id: 'comment', type: 'text', placeholder: 'optional', maxlength: '2000' }),
      ]),
      el('span', { id: 'review-message', 'data-state': 'idle' }),
    ]);
    document.querySelector('header').appendChild(bar);
    toggle.addEventListener('change', () => {
      setLive(toggle.checked ? 'live' : 'paused');
      if (toggle.checked && stale) refresh();
    });
  }

  function startLive() {
    liveBar();
    const toggle = document.getElementById('live-toggle');
    const source = new EventSource('/api/live');
    const changed = (event) => {
      const data = JSON.parse(event.data);
      const last = document.getElementById('last-update');
      last.textContent = `last update ${isoTime(data.at).slice(11, 19)} UTC`;
      last.dataset.at = data.at;
      // a review is followed by the update its new version causes: that one refreshes
      if (event.type === 'review') return;
      const first = lastVersion === undefined;
      const differs = data.version !== lastVersion;
      lastVersion = data.version;
      if (first || !differs) return;
      if (toggle.checked) refresh();
      else stale = true;
    };
    source.addEventListener('open', () => setLive(toggle.checked ? 'live' : 'paused'));
    source.addEventListener('error', () => setLive('reconnecting'));
    for (const type of ['hello', 'update', 'review']) source.addEventListener(type, changed);
  }

  window.addEventListener('popstate', render);
  if (!exported) startLive();
  render();
})();
