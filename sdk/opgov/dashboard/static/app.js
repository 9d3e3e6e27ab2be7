// opgov dashboard: draws what the local server reads from the chain.
// Plain JavaScript, no framework, no build step. Text always goes in through
// textContent (never innerHTML), so nothing the chain holds can become markup.
"use strict";

const POLL_MS = 1500; // how often the feed is asked for new events
const SVG = "http://www.w3.org/2000/svg";

const state = {
  data: null, // the last /api/org answer
  fetchedAt: 0, // Date.now() when it arrived: the countdowns tick from there
  version: 0,
  lastId: 0, // the newest feed item shown
  sections: {}, // JSON of each section as last drawn, to redraw only what changed
  loading: false,
};

// ------------------------------------------------------------------ helpers

function h(tag, attrs, ...children) {
  const el = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function getJSON(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${url}: HTTP ${response.status}`);
  return body;
}

function chainNow() {
  // the chain's time now: the snapshot's time plus what has passed since it arrived
  return state.data.now + Math.floor((Date.now() - state.fetchedAt) / 1000);
}

function utc(ts) {
  return new Date(ts * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function left(seconds) {
  if (seconds <= 0) return "0 s";
  const d = Math.floor(seconds / 86400);
  const hr = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [];
  if (d) parts.push(plural(d, "day"));
  parts.push(`${String(hr).padStart(2, "0")} h ${String(m).padStart(2, "0")} min ${String(s).padStart(2, "0")} s`);
  return parts.join(" ");
}

function setStatus(text, bad) {
  const el = document.getElementById("status");
  el.textContent = text;
  el.classList.toggle("bad", Boolean(bad));
}

// redraw a section only when its data changed, keeping keyboard focus where it was
function redraw(id, data, draw) {
  const json = JSON.stringify(data);
  if (state.sections[id] === json) return;
  state.sections[id] = json;
  const box = document.getElementById(id);
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  const open = new Set([...box.querySelectorAll("details[open]")].map((d) => d.dataset.key));
  box.replaceChildren(draw(data));
  for (const d of box.querySelectorAll("details")) if (open.has(d.dataset.key)) d.open = true;
  if (focused) {
    const again = box.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

// ------------------------------------------------------------------ cells

function chart(cell) {
  const c = cell.chart;
  const scale = 10 ** c.decimals;
  const past = c.past.map(([t, v]) => [t, Number(v) / scale]);
  const future = c.projected.map(([t, v]) => [t, Number(v) / scale]);
  const all = past.concat(future);
  const W = 320, H = 140, L = 8, R = 8, T = 16, B = 22;
  const titleId = `chart-${cell.id}-title`, descId = `chart-${cell.id}-desc`;
  const svg = h("svg:svg", {
    class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": `${titleId} ${descId}`,
  });
  svg.append(h("svg:title", { id: titleId }, `Burn-down of ${cell.name}'s budget`));
  const last = past[past.length - 1];
  const desc = past.length
    ? `Remaining ${last[1].toFixed(2)} ${cell.symbol} now` +
      (future.length ? `, projected to run out ${utc(future[future.length - 1][0])}.` : ".")
    : "No events yet.";
  svg.append(h("svg:desc", { id: descId }, desc));
  if (all.length < 2) return svg;
  const t0 = all[0][0], t1 = Math.max(...all.map((p) => p[0]));
  const vmax = Math.max(...all.map((p) => p[1])) || 1;
  const x = (t) => L + ((t - t0) / Math.max(t1 - t0, 1)) * (W - L - R);
  const y = (v) => T + (1 - v / vmax) * (H - T - B);
  const path = (pts) => pts.map(([t, v], i) => `${i ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  svg.append(h("svg:line", { class: "axis", x1: L, x2: W - R, y1: y(0), y2: y(0) }));
  svg.append(h("svg:path", { class: "past", d: path(past) }));
  if (future.length) svg.append(h("svg:path", { class: "future", d: path(future) }));
  if (last) {
    svg.append(h("svg:line", { class: "now", x1: x(last[0]), x2: x(last[0]), y1: T - 6, y2: y(0) }));
    svg.append(h("svg:text", { x: Math.min(x(last[0]) + 3, W - 30), y: T - 4 }, "now"));
  }
  svg.append(h("svg:text", { x: L, y: H - 6, class: "label-past" }, `from events: ${utc(t0).slice(0, 10)}`));
  if (future.length) {
    svg.append(h("svg:text", { x: W - R, y: H - 6, "text-anchor": "end", class: "label-projected" },
      `projected: empty ${utc(t1).slice(0, 10)}`));
  }
  return svg;
}

function drawCells(cells) {
  if (!cells.length) return h("p", { class: "empty" }, "No cells yet.");
  const frag = document.createDocumentFragment();
  for (const cell of cells) {
    const headId = `cell-${cell.id}-h`;
    const card = h("article", { class: "card cell", "aria-labelledby": headId, dataset: { cell: cell.id } },
      h("header", {}, h("h3", { id: headId }, cell.name), h("span", { class: "meta" }, `hat ${cell.hat}`)));
    if (cell.stream === null) {
      card.append(h("p", { class: "meta" }, "No budget stream."));
    } else {
      card.append(h("p", { class: "meta" }, `${cell.rate} · stream ${cell.stream} · paid to ${cell.recipient} · ${cell.status}`));
      const rows = [
        ["Streamed", cell.streamed], ["Withdrawn", cell.withdrawn], ["Withdrawable now", cell.withdrawable],
        ["Remaining", cell.remaining], ["Runway", cell.runway], ["Runs out", cell.depletes],
      ];
      card.append(h("dl", { class: "figures" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", { dataset: { figure: k } }, v)])));
      card.append(chart(cell));
    }
    frag.append(card);
  }
  return frag;
}

// ------------------------------------------------------------------ proposals

function drawProposal(p) {
  const headId = `p-${p.id}-h`;
  const card = h("article", { class: "card proposal", "aria-labelledby": headId, dataset: { ref: p.ref } });
  card.append(h("header", {},
    h("h3", { id: headId }, `${p.ref} · ${p.cell}`),
    h("span", { class: `badge state-${p.state}` }, p.state)));
  card.append(h("p", { class: "meta" }, `proposed by ${p.proposer} — ${p.meaning}` + (p.holder ? `; now with ${p.holder}` : "")));
  if (p.window_open) {
    card.append(h("p", { class: "countdown" },
      h("span", { dataset: { closes: p.closes_at } }, left(p.closes_at - chainNow())),
      ` left to object (until ${p.closes_text})`));
  } else if (p.countdown) {
    card.append(h("p", { class: "countdown" }, p.countdown));
  }
  if (p.rationale) card.append(h("p", {}, h("strong", {}, "Why: "), p.rationale));
  if (p.amends) card.append(h("p", { class: "meta" }, `Amends ${p.amends}.`));
  if (p.amended_as) card.append(h("p", { class: "meta" }, `Amended as ${p.amended_as}.`));
  if (p.veto_reason) card.append(h("p", {}, h("strong", {}, "Vetoed: "), p.veto_reason));
  card.append(h("p", { class: "verb" }, `${p.verb}:`), h("ol", { class: "actions" }, p.actions.map((a) => h("li", {}, a))));
  if (p.objections.length) {
    card.append(h("h4", { class: "meta" }, plural(p.objections.length, "objection")));
    card.append(h("ul", { class: "objections" }, p.objections.map((o) =>
      h("li", { class: `objection${o.standing ? "" : " gone"}` },
        `${o.by} (hat ${o.hat}) — ${o.standing ? "stands" : o.note}`,
        h("blockquote", {}, o.reason)))));
  }
  return card;
}

function drawProposals(list) {
  if (!list.length) return h("p", { class: "empty" }, "No proposals yet.");
  const live = list.filter((p) => p.live), done = list.filter((p) => !p.live);
  const frag = document.createDocumentFragment();
  frag.append(h("p", { class: "note" }, `${plural(live.length, "live proposal")}, ${done.length} finished; newest first.`));
  const box = h("div", { id: "live-proposals" });
  for (const p of live) box.append(drawProposal(p));
  frag.append(box);
  if (done.length) {
    const details = h("details", { dataset: { key: "finished" } },
      h("summary", { dataset: { key: "finished-summary" } }, `Finished proposals (${done.length})`));
    for (const p of done) details.append(drawProposal(p));
    frag.append(details);
  }
  return frag;
}

// ------------------------------------------------------------------ the Safe and the hats

function drawSafe(safe) {
  const frag = document.createDocumentFragment();
  frag.append(h("p", {}, `Safe `, h("span", { class: "mono" }, safe.address),
    `: ${safe.threshold} of ${safe.owners.length} signatures needed (${safe.owners.join(", ")}); next nonce ${safe.nonce}.`));
  if (safe.folder === null) {
    frag.append(h("p", { class: "empty" }, "No folder of transaction files was given."));
    return frag;
  }
  if (!safe.pending.length) {
    frag.append(h("p", { class: "empty" }, `No pending transactions in ${safe.folder}.`));
    return frag;
  }
  for (const tx of safe.pending) {
    const headId = `tx-${tx.file}-h`;
    const card = h("article", { class: "card tx", "aria-labelledby": headId });
    if (tx.error) {
      card.append(h("h3", { id: headId }, tx.file), h("p", { class: "meta" }, tx.error));
    } else {
      card.append(h("header", {},
        h("h3", { id: headId }, `Nonce ${tx.nonce}: ${tx.count} of ${tx.needed} signatures`),
        h("span", { class: `badge ${tx.ready ? "state-passed" : "state-open"}` }, tx.ready ? "ready to execute" : "needs signatures")));
      card.append(h("p", { class: "who" },
        `Signed: ${tx.signed.concat(tx.approved_on_chain.map((o) => `${o} (on chain)`)).join(", ") || "nobody yet"}. ` +
        `Waiting for: ${tx.waiting_for.join(", ") || "nobody"}.`));
      card.append(h("ul", {}, tx.lines.map((l) => h("li", {}, l))));
      card.append(h("p", { class: "meta mono" }, `safeTxHash ${tx.hash} · ${tx.file}`));
    }
    frag.append(card);
  }
  return frag;
}

function drawHats(hats) {
  if (!hats.length) return h("p", { class: "empty" }, "No hats.");
  const root = h("ul", { class: "tree", "aria-label": "Role tree" });
  const stack = [[hats[0].level - 1, root]];
  for (const hat of hats) {
    while (stack.length > 1 && stack[stack.length - 1][0] >= hat.level) stack.pop();
    const wearers = hat.wearers.map((w) => w.name || w.address);
    const li = h("li", {},
      h("span", { class: "path" }, hat.path), h("strong", {}, hat.details || "(no details)"),
      hat.active ? "" : " (switched off)",
      h("div", { class: "wearers" }, wearers.length ? `worn by ${wearers.join(", ")}` : "nobody wears it"));
    const parent = stack[stack.length - 1][1];
    parent.append(li);
    const sub = h("ul", {});
    li.append(sub);
    stack.push([hat.level, sub]);
  }
  for (const ul of root.querySelectorAll("ul")) if (!ul.children.length) ul.remove();
  return root;
}

// ------------------------------------------------------------------ the whole page

function render(data) {
  state.data = data;
  state.fetchedAt = Date.now();
  state.version = data.version;
  document.getElementById("org-name").textContent = data.org.name;
  document.title = `${data.org.name} · opgov dashboard`;
  document.getElementById("org-sub").textContent =
    `${data.org.network} · Safe ${data.org.safe} · indexed to block ${data.index.latest_block} · chain time ${data.now_text}`;
  redraw("cells", data.cells, drawCells);
  redraw("proposals", data.proposals, drawProposals);
  redraw("safe", data.safe, drawSafe);
  redraw("hats", data.hats, drawHats);
  document.body.dataset.version = String(data.version);
}

function tick() {
  if (!state.data) return;
  for (const el of document.querySelectorAll("[data-closes]")) {
    el.textContent = left(Number(el.dataset.closes) - chainNow());
  }
}

function addFeed(items, reset) {
  const feed = document.getElementById("feed");
  if (reset) feed.replaceChildren();
  const fresh = state.lastId > 0; // highlight what arrives after the first load
  for (const item of items) {
    const li = h("li", { class: fresh ? "new" : null, dataset: { id: item.id } },
      h("time", { datetime: new Date(item.time * 1000).toISOString() }, `${item.time_text} · block ${item.block}`),
      item.text);
    feed.prepend(li);
    state.lastId = Math.max(state.lastId, item.id);
    setTimeout(() => li.classList.remove("new"), 3000);
  }
  while (feed.children.length > 200) feed.lastElementChild.remove();
}

async function loadOrg() {
  if (state.loading) return;
  state.loading = true;
  try {
    render(await getJSON("/api/org"));
  } finally {
    state.loading = false;
  }
}

async function poll() {
  try {
    const f = await getJSON(`/api/feed?after=${state.lastId}`);
    if (f.reset) state.lastId = 0;
    if (f.items.length || f.reset) addFeed(f.items, f.reset);
    if (f.version !== state.version) await loadOrg();
    setStatus(f.error ? `Problem reading the chain: ${f.error}` : `Live · updated ${new Date().toLocaleTimeString()}`, Boolean(f.error));
  } catch (err) {
    setStatus(`Cannot reach the dashboard server (${err.message}); retrying`, true);
  }
}

async function start() {
  try {
    await loadOrg();
    const f = await getJSON("/api/feed?after=0");
    addFeed(f.items, true);
    setStatus("Live", false);
    performance.mark("opgov-ready"); // every section drawn: what the load benchmark measures
    document.body.dataset.ready = "true";
  } catch (err) {
    setStatus(`Cannot load the dashboard: ${err.message}; retrying`, true);
    setTimeout(start, POLL_MS);
    return;
  }
  setInterval(tick, 1000);
  setInterval(poll, POLL_MS);
}

document.addEventListener("DOMContentLoaded", start);
