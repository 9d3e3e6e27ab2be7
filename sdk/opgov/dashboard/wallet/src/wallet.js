// The page's wallet: find browser wallets (EIP-6963), connect one (EIP-1193), show what the
// connected member may do, and sign gasless requests (EIP-712) that the dashboard relays.
// Bundled with esbuild into ../../static/wallet.js (`make wallet`); no CDN.
import { createClient, custom, getAddress, hexToBigInt } from "viem";
import { signTypedData } from "viem/actions";

const wallets = new Map(); // uuid -> { info, provider }
let config = null; // /api/wallet/config
let connected = null; // { provider, client, address, chainId, name }

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
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
    const client = createClient({ account: address, transport: custom(provider) });
    connected = { info, provider, client, address, chainId };
    provider.on?.("chainChanged", () => refresh());
    provider.on?.("accountsChanged", () => window.location.reload());
    await refresh();
  } catch (err) {
    say(err.code === 4001 ? "You declined to connect; nothing changed." : `Could not connect: ${err.shortMessage || err.message}`, "error");
  }
}

async function refresh() {
  if (!connected) return;
  connected.chainId = Number(hexToBigInt(await connected.provider.request({ method: "eth_chainId" })));
  const box = $("wallet-choices");
  box.replaceChildren();
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
  renderActions(member);
  document.body.dataset.wallet = "connected";
}

// ---------------------------------------------------------------- actions

function renderActions(member) {
  const box = $("wallet-actions");
  box.replaceChildren();
  if (member.may.length === 0) {
    box.append(el("p", { class: "note", text: "Your hats give you nothing to do on the live proposals right now." }));
    return;
  }
  if (!config.forwarder) {
    box.append(el("p", { class: "note", text: "This org's consent module trusts no forwarder: act with the command line (opgov object)." }));
    return;
  }
  for (const action of member.may) {
    const form = el("form", { class: "wallet-action", "data-verb": action.verb, "data-ref": action.ref });
    form.append(el("p", { text: action.text[0].toUpperCase() + action.text.slice(1) }));
    let reason = null;
    if (action.verb === "object") {
      const id = `reason-${action.ref.slice(1)}`;
      form.append(el("label", { for: id, text: "Your reason (a principled objection says why)" }));
      reason = el("textarea", { id, name: "reason", rows: "2", required: "" });
      form.append(reason);
    }
    form.append(el("button", { type: "submit", text: action.verb === "object" ? "Object…" : "Withdraw objection…" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      prepare(action, reason ? reason.value.trim() : "");
    });
    box.append(form);
  }
}

async function prepare(action, reason) {
  try {
    const prepared = await api("/api/wallet/request", {
      verb: action.verb, ref: action.ref, reason, signer: connected.address,
    });
    confirmBox(prepared);
  } catch (err) {
    say(err.message, "error");
  }
}

function confirmBox(prepared) {
  const box = $("wallet-confirm");
  box.replaceChildren(
    el("h3", { text: "Before you sign" }),
    el("p", { class: "words", text: `This will ${prepared.words}.` }),
    el("pre", { class: "about", text: prepared.proposal.join("\n") }),
    el("p", { class: "note", text: `It is a gasless request: ${prepared.cost}.` }),
  );
  const sign = el("button", { type: "button", id: "wallet-sign", text: "Sign in my wallet" });
  const cancel = el("button", { type: "button", id: "wallet-cancel", text: "Cancel" });
  cancel.addEventListener("click", () => { box.replaceChildren(); say("Cancelled; nothing was signed."); });
  sign.addEventListener("click", () => signAndRelay(prepared));
  box.append(sign, cancel);
  box.hidden = false;
}

async function signAndRelay(prepared) {
  const typed = prepared.typed_data;
  const types = { ...typed.types };
  delete types.EIP712Domain;
  const message = {
    ...typed.message,
    nonce: BigInt(typed.message.nonce),
    deadline: BigInt(typed.message.deadline),
  };
  let signature;
  try {
    signature = await signTypedData(connected.client, {
      account: connected.address, domain: typed.domain, types, primaryType: typed.primaryType, message,
    });
  } catch (err) {
    $("wallet-confirm").replaceChildren();
    say(err.code === 4001 || /reject|denied|declined/i.test(err.message)
      ? "You declined to sign; nothing was sent."
      : `Your wallet could not sign: ${err.shortMessage || err.message}`, "error");
    return;
  }
  try {
    const sent = await api("/api/wallet/relay", { request: prepared.request, signature });
    $("wallet-confirm").replaceChildren();
    say(sent.relayed ? `Sent (${sent.tx}); ${sent.text.replace(/^sent; /, "")}.` : sent.text, "done");
    setTimeout(refresh, 1500);
  } catch (err) {
    say(err.message, "error");
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
}

start();
