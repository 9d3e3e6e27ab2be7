// The page's wallet: find browser wallets (EIP-6963), connect one (EIP-1193), show what the
// connected member may do from their hats, say in plain words what an action will do, then
// sign (EIP-712: gasless requests, Safe transactions) or send it from the member's wallet.
// Bundled with esbuild into ../../static/wallet.js (`make wallet`); no CDN.
import { createClient, custom, getAddress, hexToBigInt } from "viem";
import { sendTransaction, signTypedData, waitForTransactionReceipt } from "viem/actions";

const wallets = new Map(); // uuid -> { info, provider }
let config = null; // /api/wallet/config
let connected = null; // { info, provider, client, address, chainId }
let busy = false; // an action is being signed or sent: the action list is not redrawn under it

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c);
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `the dashboard answered ${response.status}`);
  return data;
}

function say(text, kind = "info") {
  const box = $("wallet-message");
  box.textContent = text;
  box.dataset.kind = kind;
}

const declined = (err) => err.code === 4001 || err.cause?.code === 4001 || /reject|denied|declined/i.test(err.message || "");

// ---------------------------------------------------------------- discovery and connection

window.addEventListener("eip6963:announceProvider", (event) => {
  const { info, provider } = event.detail;
  if (!info || !provider || wallets.has(info.uuid)) return;
  wallets.set(info.uuid, { info, provider });
  renderChoices();
});

function renderChoices() {
  const box = $("wallet-choices");
  if (!box || connected) return;
  box.replaceChildren();
  if (wallets.size === 0) {
    box.append(el("p", { class: "note", text: "No browser wallet found. Install one (MetaMask, Rabby, Frame) to act from this page." }));
    return;
  }
  for (const { info, provider } of wallets.values()) {
    const button = el("button", { type: "button", "data-wallet": info.rdns || info.name, text: `Connect ${info.name}` });
    button.addEventListener("click", () => connect(info, provider));
    box.append(button);
  }
}

async function connect(info, provider) {
  try {
    const accounts = await provider.request({ method: "eth_requestAccounts" });
    const address = getAddress(accounts[0]);
    const chainId = Number(hexToBigInt(await provider.request({ method: "eth_chainId" })));
    const client = createClient({ account: address, transport: custom(provider), pollingInterval: 500 });
    connected = { info, provider, client, address, chainId };
    provider.on?.("chainChanged", () => refresh());
    provider.on?.("accountsChanged", () => window.location.reload());
    await refresh();
  } catch (err) {
    say(declined(err) ? "You declined to connect; nothing changed." : `Could not connect: ${err.shortMessage || err.message}`, "error");
  }
}

async function refresh() {
  if (!connected) return;
  connected.chainId = Number(hexToBigInt(await connected.provider.request({ method: "eth_chainId" })));
  $("wallet-choices").replaceChildren();
  const who = $("wallet-who");
  if (connected.chainId !== config.chain_id) {
    who.textContent = `${connected.info.name}: ${connected.address}`;
    say(`Your wallet is on chain ${connected.chainId}, but this org lives on chain ${config.chain_id}. Switch your wallet to chain ${config.chain_id}; nothing can be signed until then.`, "error");
    $("wallet-actions").replaceChildren();
    document.body.dataset.wallet = "wrong-chain";
    return;
  }
  const member = await api(`/api/wallet/member?address=${connected.address}`);
  who.textContent = `${member.name ? member.name + " — " : ""}${connected.address} (${connected.info.name})`;
  if (!busy) renderActions(member);
  document.body.dataset.wallet = "connected";
}

// ---------------------------------------------------------------- what the member may do

function field(form, label, input) {
  const id = `${form.dataset.verb}-${form.dataset.ref || form.dataset.hash || form.dataset.stream || form.dataset.id || "new"}-${input.name}`.replace(/[^\w-]/g, "");
  input.id = id;
  form.append(el("label", { for: id, text: label }), input);
  return input;
}

function recipientInput(member) {
  const list = el("datalist", { id: "wallet-recipients" });
  for (const name of member.recipients) list.append(el("option", { value: name }));
  if (!$("wallet-recipients")) document.body.append(list);
  return el("input", { name: "recipient", list: "wallet-recipients", required: true, autocomplete: "off", placeholder: "a name from org.yaml, or 0x…" });
}

// A payment (amount in token units, recipient by name or address) and a rationale.
function paymentFields(form, member, rationale) {
  const amount = field(form, `Amount (${member.symbol})`, el("input", { name: "amount", inputmode: "decimal", required: true, placeholder: "250" }));
  const recipient = field(form, "To (name or address)", recipientInput(member));
  const why = rationale === undefined ? null
    : field(form, "Why (the rationale)", el("textarea", { name: "rationale", rows: "2" }));
  if (why && rationale) why.value = rationale;
  return () => ({ amount: amount.value.trim(), recipient: recipient.value.trim(), rationale: why ? why.value.trim() : "" });
}

function actionForm(attrs, title, button, values) {
  const form = el("form", { class: "wallet-action", ...attrs });
  form.append(el("p", { text: title }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    prepare({ verb: attrs["data-verb"], ...values() });
  });
  form.finish = () => form.append(el("button", { type: "submit", text: button }));
  return form;
}

const upper = (text) => text[0].toUpperCase() + text.slice(1);

function renderActions(member) {
  const box = $("wallet-actions");
  box.replaceChildren();
  const gasless = Boolean(config.forwarder);
  for (const action of member.may) {
    const attrs = { "data-verb": action.verb, "data-ref": action.ref };
    let form;
    if (action.verb === "object") {
      let reason;
      form = actionForm(attrs, upper(action.text), "Object…", () => ({ ref: action.ref, reason: reason.value.trim() }));
      reason = field(form, "Your reason (a principled objection says why)", el("textarea", { name: "reason", rows: "2", required: true }));
      if (!gasless) continue;
    } else if (action.verb === "withdraw") {
      form = actionForm(attrs, upper(action.text), "Withdraw objection…", () => ({ ref: action.ref }));
      if (!gasless) continue;
    } else if (action.verb === "execute") {
      form = actionForm(attrs, upper(action.text), "Execute…", () => ({ ref: action.ref }));
    } else if (action.verb === "amend") {
      let values;
      form = actionForm(attrs, `${upper(action.text)} with a new payment (a new consent window opens)`, "Amend…",
        () => ({ ref: action.ref, ...values() }));
      values = paymentFields(form, member, action.rationale);
    }
    form.finish();
    box.append(form);
  }
  if (member.propose.length) {
    let values;
    let cell;
    let how;
    const form = actionForm({ "data-verb": "propose" }, "Propose a payment", "Propose…",
      () => ({ cell: cell.value, send: how.value === "send", ...values() }));
    cell = field(form, "Cell", el("select", { name: "cell" }));
    for (const c of member.propose) cell.append(el("option", { value: c.cell, text: c.label }));
    values = paymentFields(form, member, "");
    how = field(form, "How it is sent", el("select", { name: "how" }));
    if (gasless) how.append(el("option", { value: "gasless", text: "gasless: I sign, someone else relays and pays the gas" }));
    how.append(el("option", { value: "send", text: "from my wallet: I pay the gas" }));
    form.finish();
    box.append(form);
  }
  for (const budget of member.spend) {
    let values;
    const form = actionForm({ "data-verb": "spend", "data-stream": budget.cell }, upper(budget.text), "Pay…",
      () => ({ stream: budget.stream, ...values() }));
    values = paymentFields(form, member);
    form.finish();
    box.append(form);
  }
  for (const action of member.safe) {
    const form = actionForm({ "data-verb": action.verb, "data-hash": action.hash }, upper(action.text),
      action.verb === "safe-sign" ? "Sign…" : "Execute…", () => ({ hash: action.hash }));
    form.finish();
    box.append(form);
  }
  for (const kept of member.relay) {
    const form = actionForm({ "data-verb": "relay", "data-id": kept.id }, upper(kept.text), "Relay…", () => ({ id: kept.id }));
    form.finish();
    box.append(form);
  }
  if (!box.children.length) {
    box.append(el("p", { class: "note", text: "Your hats give you nothing to do here right now." }));
  }
}

// ---------------------------------------------------------------- saying, then doing

async function prepare(body) {
  try {
    const prepared = await api("/api/wallet/request", { ...body, signer: connected.address });
    confirmBox(prepared);
  } catch (err) {
    say(err.message, "error");
  }
}

function confirmBox(prepared) {
  const box = $("wallet-confirm");
  const signing = prepared.kind !== "send";
  box.replaceChildren(
    el("h3", { text: signing ? "Before you sign" : "Before you send" }),
    el("p", { class: "words", text: `This will ${prepared.words}` + (/[:.]$/.test(prepared.words) ? "" : ".") }),
    el("pre", { class: "about", text: prepared.proposal.join("\n") }),
    el("p", { class: "note", text: prepared.kind === "gasless" ? `It is a gasless request: ${prepared.cost}.` : `${upper(prepared.cost)}.` }),
  );
  const go = el("button", { type: "button", id: "wallet-sign", text: signing ? "Sign in my wallet" : "Send from my wallet" });
  const cancel = el("button", { type: "button", id: "wallet-cancel", text: "Cancel" });
  cancel.addEventListener("click", () => { box.replaceChildren(); say(`Cancelled; nothing was ${signing ? "signed" : "sent"}.`); });
  go.addEventListener("click", () => act(prepared));
  box.append(go, cancel);
  box.hidden = false;
}

// typed data as JSON carries it (numbers as strings) -> as viem takes it (integers as BigInt)
function typedForViem(typed) {
  const types = { ...typed.types };
  delete types.EIP712Domain;
  const message = { ...typed.message };
  for (const { name, type } of types[typed.primaryType]) {
    if (/^u?int\d*$/.test(type)) message[name] = BigInt(message[name]);
  }
  const domain = { ...typed.domain };
  if (domain.chainId !== undefined) domain.chainId = Number(domain.chainId);
  return { account: connected.address, domain, types, primaryType: typed.primaryType, message };
}

async function act(prepared) {
  busy = true;
  try {
    if (prepared.kind === "send") await sendAndWait(prepared);
    else await signAndSubmit(prepared);
  } finally {
    busy = false;
  }
  await refresh(); // what the member may do now
}

async function signAndSubmit(prepared) {
  let signature;
  try {
    signature = await signTypedData(connected.client, typedForViem(prepared.typed_data));
  } catch (err) {
    $("wallet-confirm").replaceChildren();
    say(declined(err) ? "You declined to sign; nothing was sent." : `Your wallet could not sign: ${err.shortMessage || err.message}`, "error");
    return;
  }
  try {
    if (prepared.kind === "safe-signature") {
      const saved = await api("/api/wallet/safe-signature", { hash: prepared.hash, signer: connected.address, signature });
      $("wallet-confirm").replaceChildren();
      say(`Signed: ${saved.text}.`, "done");
    } else {
      const sent = await api("/api/wallet/relay", {
        request: prepared.request, signature, words: prepared.words, proposal: prepared.proposal,
      });
      $("wallet-confirm").replaceChildren();
      say(sent.relayed ? `Sent (${sent.tx}); ${sent.text.replace(/^sent; /, "")}.` : `Signed: ${sent.text}.`, sent.relayed ? "done" : "kept");
    }
  } catch (err) {
    say(err.message, "error");
  }
}

async function sendAndWait(prepared) {
  let hash;
  try {
    hash = await sendTransaction(connected.client, {
      account: connected.address, chain: null, to: prepared.tx.to, data: prepared.tx.data, value: hexToBigInt(prepared.tx.value),
    });
  } catch (err) {
    $("wallet-confirm").replaceChildren();
    say(declined(err) ? "You declined to send it; nothing was sent." : `Your wallet could not send it: ${err.shortMessage || err.message}`, "error");
    return;
  }
  $("wallet-confirm").replaceChildren();
  say(`Sent (${hash}); waiting for it to be mined…`, "pending");
  try {
    const receipt = await waitForTransactionReceipt(connected.client, { hash, pollingInterval: 500, timeout: 120_000 });
    if (receipt.status === "success") say(`Mined in block ${receipt.blockNumber}: done. The page shows it as soon as the dashboard has read it.`, "done");
    else say(`Mined in block ${receipt.blockNumber}, but it reverted: nothing changed.`, "error");
  } catch (err) {
    say(`Sent (${hash}), but no receipt yet: ${err.shortMessage || err.message}`, "error");
  }
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    config = await api("/api/wallet/config");
  } catch (err) {
    return; // no wallet actions on this dashboard
  }
  $("wallet").hidden = false;
  renderChoices();
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  // what the member may do moves with the chain (windows close, budgets stream): ask again now and then
  setInterval(() => { if (connected && !busy && !$("wallet-confirm").children.length && !document.activeElement?.closest?.("#wallet-actions")) refresh().catch(() => {}); }, 5000);
}

start();
