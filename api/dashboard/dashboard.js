// The video-service dashboard: polls the JSON API once a second while the
// tab is visible and draws health, queues, workers, jobs and dead letters.
// Every text that comes from a job (ids, paths, errors) is put in with
// textContent or an attribute, never parsed as HTML.
'use strict';

(function () {
  const POLL_MS = 1000;
  const JOB_LIMIT = 200;
  const FINAL = new Set(['success', 'failed', 'cancelled']);

  const state = {
    paused: false,
    redis: 'disabled',
    selected: null,        // id of the job shown in the detail panel
    shownVideo: null,      // id whose video the player holds (set once, so polls do not reload it)
    timer: null,
    busy: false,
  };

  const $ = (id) => document.getElementById(id);

  /// Builds an element; string children become text nodes.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /// Calls the API; resolves to the parsed JSON, rejects with the service's error message.
  async function api(path, options) {
    const response = await fetch(path, Object.assign({ headers: { Accept: 'application/json' } }, options));
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error && body.error.message ? body.error.message : `${response.status} ${response.statusText}`;
      const failure = new Error(message);
      failure.status = response.status;
      throw failure;
    }
    return body;
  }

  const jobUrl = (id) => '/jobs/' + encodeURIComponent(id);

  function showBanner(message) {
    const banner = $('banner');
    banner.textContent = message || '';
    banner.hidden = !message;
  }

  function percent(progress) { return Math.round((Number(progress) || 0) * 100) + '%'; }

  function localTime(iso) {
    if (!iso) return '';
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleString();
  }

  function seconds(value) {
    if (value === undefined || value === null) return '';
    return Number(value).toFixed(1) + ' s';
  }

  /// Seconds a job took, or has been running.
  function elapsed(job) {
    if (job.elapsed_seconds !== undefined) return seconds(job.elapsed_seconds);
    if (job.started_at && !FINAL.has(job.status)) return seconds((Date.now() - new Date(job.started_at)) / 1000);
    return '';
  }

  /// Changes a node's text only when it differs: a live region re-announces every write.
  function setText(node, text) {
    text = String(text);
    if (node.textContent !== text) node.textContent = text;
  }

  /// `extra`: classes the pill keeps (how tests and styles find it).
  function setPill(node, text, kind, extra) {
    setText(node, text);
    const className = 'pill pill-' + kind + (extra ? ' ' + extra : '');
    if (node.className !== className) node.className = className;
  }

  const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;

  // ---- health and queues -------------------------------------------------

  function drawHealth(health) {
    setPill($('health-status'), health.status, health.status === 'healthy' ? 'good' : 'bad');
    setText($('health-version'), health.version);
    state.redis = health.redis;
    setPill($('health-redis'), health.redis, health.redis === 'up' ? 'good' : health.redis === 'down' ? 'bad' : 'unknown');
    for (const node of document.querySelectorAll('.redis-only')) node.hidden = health.redis === 'disabled';
  }

  function drawQueues(queues) {
    setText($('depth-running'), queues.jobs.running);
    setText($('depth-queued'), queues.jobs.queued);
    if (!queues.queues) return;
    setText($('depth-tasks-queued'), queues.queues.tasks_queued);
    setText($('depth-tasks-processing'), queues.queues.tasks_processing);
    setText($('depth-chunks-queued'), queues.queues.chunks_queued);
    setText($('depth-chunks-processing'), queues.queues.chunks_processing);
    setText($('depth-dead'), queues.queues.dead);
  }

  // ---- workers -----------------------------------------------------------

  function drawWorkers(answer) {
    const body = $('workers').tBodies[0];
    body.replaceChildren(...answer.workers.map((worker) => {
      const tasks = worker.tasks.length === 0 && worker.chunks.length === 0 ? 'idle' : el('ul', { className: 'plain' },
        // A task may run on another worker: GET /jobs/{id} finds it in Redis.
        ...worker.tasks.map((task) => el('li', {}, el('button', { type: 'button', className: 'link',
          'aria-label': 'Open task ' + task.id, onclick: () => selectJob(task.id) }, task.id),
          ' ', task.status, ' ', percent(task.progress))),
        ...worker.chunks.map((chunk) => el('li', {}, 'chunk ', el('code', {}, chunk))));
      return el('tr', { 'data-worker-id': worker.id },
        el('th', { scope: 'row' }, el('code', {}, worker.id)),
        el('td', {}, el('span', { className: 'pill pill-' + (worker.alive ? 'good' : 'bad') },
          worker.alive ? 'alive' : 'lease expired')),
        el('td', {}, worker.alive ? seconds(worker.lease_ms_left / 1000) : '–'),
        el('td', {}, worker.heartbeat_at || '–'),
        el('td', {}, tasks));
    }));
    $('workers-empty').hidden = answer.workers.length > 0;
  }

  // ---- jobs table --------------------------------------------------------

  /// One row per job, updated in place so a progress bar and the focus stay put.
  function jobRow(job) {
    const open = el('button', { type: 'button', className: 'link', 'aria-label': 'Open job ' + job.job_id,
      onclick: () => selectJob(job.job_id) }, job.job_id);
    const bar = el('progress', { max: '1', value: '0', 'aria-label': 'Progress of job ' + job.job_id });
    const cancel = el('button', { type: 'button', className: 'danger small', 'aria-label': 'Cancel job ' + job.job_id,
      onclick: () => cancelJob(job.job_id) }, 'Cancel');
    const row = el('tr', { 'data-job-id': job.job_id },
      el('th', { scope: 'row' }, open),
      el('td', {}, el('span', { className: 'pill job-status' })),
      el('td', { className: 'progress-cell' }, bar, el('span', { className: 'job-percent' })),
      el('td', { className: 'job-created' }),
      el('td', { className: 'job-elapsed' }),
      el('td', {}, cancel));
    row.parts = { bar, cancel, status: row.querySelector('.job-status'), percent: row.querySelector('.job-percent'),
      created: row.querySelector('.job-created'), elapsed: row.querySelector('.job-elapsed') };
    return row;
  }

  function updateJobRow(row, job) {
    const parts = row.parts;
    setPill(parts.status, job.status, statusKind(job.status), 'job-status');
    parts.bar.value = Number(job.progress) || 0;
    setText(parts.percent, percent(job.progress));
    setText(parts.created, localTime(job.created_at));
    setText(parts.elapsed, elapsed(job));
    parts.cancel.hidden = FINAL.has(job.status);
    row.classList.toggle('selected', job.job_id === state.selected);
  }

  function statusKind(status) {
    return { success: 'good', failed: 'bad', cancelled: 'muted', processing: 'busy', queued: 'unknown' }[status] || 'unknown';
  }

  const rows = new Map();

  function drawJobs(answer) {
    const filter = $('state-filter').value;
    const jobs = answer.jobs.filter((job) => !filter || job.status === filter);
    const body = $('jobs').tBodies[0];
    const wanted = [];
    for (const job of jobs) {
      let row = rows.get(job.job_id);
      if (!row) {
        row = jobRow(job);
        rows.set(job.job_id, row);
      }
      updateJobRow(row, job);
      wanted.push(row);
    }
    const keep = new Set(jobs.map((job) => job.job_id));
    for (const id of rows.keys()) if (!keep.has(id)) rows.delete(id);
    // Reorder only when the order changed: moving a row would drop its focus.
    const current = Array.from(body.rows);
    if (current.length !== wanted.length || current.some((row, index) => row !== wanted[index])) body.replaceChildren(...wanted);
    $('jobs-empty').hidden = jobs.length > 0;
    setText($('jobs-count'), filter ? `${jobs.length} of ${plural(answer.jobs.length, 'job')}` : plural(jobs.length, 'job'));
  }

  // ---- job detail --------------------------------------------------------

  function field(list, name, value) {
    if (value === undefined || value === null || value === '') return;
    list.append(el('div', {}, el('dt', {}, name), el('dd', {}, value)));
  }

  /// One attempt's answer: "HTTP 503", or what stopped it (a timeout, a refusal).
  function attemptAnswer(attempt) {
    return attempt.status ? `HTTP ${attempt.status}` : attempt.error || 'no answer';
  }

  /// Where the job's webhook stands, in one line: "delivered to URL (attempt
  /// 2, HTTP 200)", "pending: attempt 1 got HTTP 503; next try at …",
  /// "failed after 8 attempts: the last got …".
  function webhookSummary(webhook) {
    const attempts = webhook.attempts || [];
    const last = attempts.length ? attempts[attempts.length - 1] : null;
    const count = webhook.attempt_count || attempts.length;
    if (webhook.state === 'delivered')
      return `delivered to ${webhook.url} (attempt ${count}${last ? ', ' + attemptAnswer(last) : ''})`;
    if (webhook.state === 'pending') {
      if (!last) return `pending: sending to ${webhook.url}`;
      const next = webhook.next_attempt_at ? `; next try at ${localTime(webhook.next_attempt_at)}` : '';
      return `pending: attempt ${count} to ${webhook.url} got ${attemptAnswer(last)}${next}`;
    }
    return `${webhook.state} after ${plural(count, 'attempt')} to ${webhook.url}` +
      (last ? `: the last got ${attemptAnswer(last)}` : '');
  }

  function drawDetail(job) {
    setText($('detail-id'), job.job_id);
    $('detail-progress').value = Number(job.progress) || 0;
    setText($('detail-percent'), `${percent(job.progress)} · ${job.status}`);
    const fields = $('detail-fields');
    fields.replaceChildren();
    field(fields, 'Status', job.status);
    field(fields, 'Source', job.source);
    if (job.frames_total) field(fields, 'Frames', `${job.frames_done} of ${job.frames_total}`);
    if (job.chunks_total) field(fields, 'Chunks', `${job.chunks_done} of ${job.chunks_total} rendered`);
    field(fields, 'Created', localTime(job.created_at));
    field(fields, 'Started', localTime(job.started_at));
    field(fields, 'Finished', localTime(job.finished_at));
    field(fields, 'Render time', elapsed(job));
    if (job.result) {
      field(fields, 'Duration', seconds(job.result.duration));
      field(fields, 'Size', `${(job.result.file_size / 1048576).toFixed(2)} MB`);
      field(fields, 'Resolution', job.result.resolution.join('×'));
      field(fields, 'Video file', job.result.video_path);
      field(fields, 'Captions file', job.result.captions_path);
    }
    if (job.webhook) field(fields, 'Webhook', webhookSummary(job.webhook));
    $('detail-cancel').hidden = FINAL.has(job.status);

    const error = job.error;
    $('detail-error').hidden = !error;
    setText($('detail-error-text'), error ? `${error.message} (${error.code})` : '');

    const player = $('detail-player');
    const video = $('detail-video');
    if (job.status === 'success' && job.result) {
      if (state.shownVideo !== job.job_id) {
        state.shownVideo = job.job_id;
        if (job.result.poster_url) video.setAttribute('poster', job.result.poster_url);
        else video.removeAttribute('poster');
        video.src = job.result.video_url;
        const download = $('detail-download');
        download.href = job.result.video_url;
        download.setAttribute('download', job.job_id + '.mp4');
      }
      player.hidden = false;
    } else {
      player.hidden = true;
      if (state.shownVideo !== null) {
        state.shownVideo = null;
        video.removeAttribute('src');
        video.load();
      }
    }
  }

  function drawSpec(answer) {
    const list = $('detail-spec');
    list.replaceChildren();
    const spec = answer.spec;
    field(list, 'Audio', spec.audio_path || 'none (silent)');
    // A finished job no longer holds its image list (the service frees it).
    field(list, 'Images', spec.image_paths.length ? el('ol', {}, ...spec.image_paths.map((path) => el('li', {}, path)))
      : 'not kept once the job ended');
    field(list, 'Resolution', `${spec.resolution[0]}×${spec.resolution[1]} at ${spec.fps} fps`);
    field(list, 'Slides', spec.sync_to_audio ? 'timed to the narration' : `${spec.slide_duration} s each`);
    field(list, 'Transition', `${spec.transition}, ${spec.transition_duration} s`);
    field(list, 'Fit', spec.fit);
    field(list, 'Ken Burns', spec.enable_ken_burns ? `on, zoom ${spec.zoom_factor}` : 'off');
    field(list, 'Encoder', `x264 ${spec.preset}, CRF ${spec.crf}`);
    field(list, 'Music', spec.music_path);
    field(list, 'Captions', spec.captions ? 'yes' : 'no');
  }

  async function selectJob(id) {
    state.selected = id;
    const detail = $('job-detail');
    detail.hidden = false;
    $('detail-spec').replaceChildren();
    for (const row of rows.values()) row.classList.toggle('selected', row.dataset.jobId === id);
    try {
      drawDetail(await api(jobUrl(id)));
      drawSpec(await api(jobUrl(id) + '/spec'));
    } catch (failure) {
      showBanner(`Job ${id}: ${failure.message}`);
    }
    $('detail-title').focus();
  }

  function closeDetail() {
    state.selected = null;
    $('job-detail').hidden = true;
    const video = $('detail-video');
    video.pause();
    video.removeAttribute('src');
    video.load();
    state.shownVideo = null;
  }

  async function cancelJob(id) {
    try {
      const job = await api(jobUrl(id), { method: 'DELETE' });
      showBanner('');
      if (state.selected === id) drawDetail(job);
    } catch (failure) {
      showBanner(`Cancel ${id}: ${failure.message}`);
    }
    refresh();
  }

  // ---- dead letters ------------------------------------------------------

  function drawDeadLetters(answer) {
    const body = $('dead-letters').tBodies[0];
    body.replaceChildren(...answer.dead_letters.map((entry) => el('tr', { 'data-task-id': entry.id },
      el('th', { scope: 'row' }, el('code', {}, entry.id)),
      el('td', {}, entry.has_task ? entry.name : '(no task hash)'),
      el('td', {}, entry.attempts),
      el('td', {}, entry.updated_at),
      el('td', { className: 'error-text' }, entry.error),
      el('td', {}, el('button', { type: 'button', 'aria-label': 'Requeue task ' + entry.id,
        onclick: () => requeue(entry.id) }, 'Requeue')))));
    $('dead-empty').hidden = answer.dead_letters.length > 0;
  }

  async function requeue(id) {
    try {
      await api('/dead-letters/' + encodeURIComponent(id) + '/requeue', { method: 'POST' });
      showBanner('');
    } catch (failure) {
      showBanner(`Requeue ${id}: ${failure.message}`);
    }
    refresh();
  }

  // ---- submitting a job --------------------------------------------------

  /// Uploads one file (POST /uploads, multipart part `file`); resolves to its path on the server.
  async function upload(file) {
    const form = new FormData();
    form.append('file', file, file.name);
    const answer = await api('/uploads', { method: 'POST', body: form });
    return answer.path;
  }

  async function submitJob(event) {
    event.preventDefault();
    const status = $('submit-status');
    const button = $('submit-button');
    const audio = $('audio-file').files[0];
    const images = Array.from($('image-files').files);
    if (images.length === 0) {
      status.textContent = 'Choose at least one slide image.';
      $('image-files').focus();
      return;
    }
    button.disabled = true;
    try {
      const body = {
        image_paths: [],
        resolution: $('resolution').value,
        fps: Number($('fps').value),
        transition: $('transition').value,
        enable_ken_burns: $('ken-burns').checked,
        poster: $('poster').checked,
      };
      const files = (audio ? [audio] : []).concat(images);
      for (const [index, file] of files.entries()) {
        status.textContent = `Uploading ${index + 1} of ${files.length}: ${file.name}…`;
        const path = await upload(file);
        if (audio && index === 0) body.audio_path = path;
        else body.image_paths.push(path);
      }
      status.textContent = 'Submitting…';
      const answer = await api('/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body) });
      status.textContent = `Job ${answer.job_id} queued.`;
      await refresh();
      selectJob(answer.job_id);
    } catch (failure) {
      status.textContent = `Not submitted: ${failure.message}`;
    } finally {
      button.disabled = false;
    }
  }

  // ---- polling -----------------------------------------------------------

  async function refresh() {
    if (state.busy) return;
    state.busy = true;
    try {
      const health = await api('/health');
      drawHealth(health);
      const redis = state.redis !== 'disabled';
      // The views of the Redis lists answer 503 while Redis is down: the
      // jobs of this process are still drawn, with the reason in the banner.
      let redisFailure = null;
      const fromRedis = (path) => api(path).catch((failure) => {
        if (!redis) throw failure;
        redisFailure = failure;
        return null;
      });
      const [queues, jobs, workers, dead, selected] = await Promise.all([
        fromRedis('/queues'),
        api('/jobs?limit=' + JOB_LIMIT),
        redis ? fromRedis('/workers') : null,
        redis ? fromRedis('/dead-letters') : null,
        state.selected ? api(jobUrl(state.selected)).catch(() => null) : null,
      ]);
      drawQueues(queues || { jobs: health.jobs });
      drawJobs(jobs);
      if (workers) drawWorkers(workers);
      if (dead) drawDeadLetters(dead);
      if (selected && selected.job_id === state.selected) drawDetail(selected);
      if (redisFailure) {
        showBanner(`Redis: ${redisFailure.message}`);
        $('banner').dataset.kind = 'offline';
      } else if ($('banner').dataset.kind === 'offline') {
        showBanner('');
        delete $('banner').dataset.kind;
      }
    } catch (failure) {
      showBanner(`Cannot reach the service: ${failure.message}`);
      $('banner').dataset.kind = 'offline';
      setPill($('health-status'), 'unreachable', 'bad');
    } finally {
      state.busy = false;
    }
  }

  /// Polls once a second while the tab is visible and updates are not paused.
  function schedule() {
    clearTimeout(state.timer);
    if (state.paused || document.hidden) return;
    state.timer = setTimeout(async () => {
      await refresh();
      schedule();
    }, POLL_MS);
  }

  function togglePause() {
    state.paused = !state.paused;
    const button = $('pause-toggle');
    button.setAttribute('aria-pressed', String(state.paused));
    button.textContent = state.paused ? 'Resume updates' : 'Pause updates';
    if (!state.paused) refresh();
    schedule();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('submit-form').addEventListener('submit', submitJob);
    $('state-filter').addEventListener('change', refresh);
    $('pause-toggle').addEventListener('click', togglePause);
    $('detail-close').addEventListener('click', closeDetail);
    $('detail-cancel').addEventListener('click', () => state.selected && cancelJob(state.selected));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && state.selected) closeDetail();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !state.paused) refresh();
      schedule();
    });
    refresh().then(schedule);
  });
})();
