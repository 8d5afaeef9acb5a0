// The customer's chat page. The chat's token lives in an HttpOnly cookie this script never
// sees; the page keeps only the chat id (not secret) to resume after a reload. Messages are
// keyed by id: a reconnect asks for everything after the last id the server delivered (never
// the id of the page's own send, which may be newer than replies not delivered yet). Texts
// not stored yet stay in the page's outbox (localStorage, per chat) until they are.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const TYPING_EVERY_MS = 2500;
  const HEARTBEAT_MS = 15000;     // until the server says how often to check in
  const STILL_WAITING_MS = 60000;
  const KEY = "livewindow.chat";
  const OUTBOX = "livewindow.outbox.";

  let config = { queues: [], embed_origins: [], message_chars: 5000, image_bytes: 10485760 };
  let chatId = null;
  let lastId = 0;                 // the newest message id the server delivered: the resume point
  let outbox = [];                // { cid, text, error }: texts not stored yet, oldest first
  const inFlight = new Set();     // outbox ids being sent now
  let checkinMs = 0;
  let checkinTimer = null;
  const shown = new Map();        // message id -> element
  let chat = null;                // the latest state frame
  let socket = null;
  let retryMs = 500;
  let reconnectTimer = null;
  let lastTypingSent = 0;
  let typingTimer = null;
  let identity = null;            // { email, name, signed_at, signature } from an embedding website
  let waitingTimer = null;
  let live = false;               // history loaded: new messages are announced from now on

  function api(path) { return "/api/chats/" + chatId + path; }

  async function jsonOrError(response) {
    let body = {};
    try { body = await response.json(); } catch (_) { body = {}; }
    if (!response.ok) {
      const e = new Error(body.error || "Something went wrong (" + response.status + "). Please try again.");
      e.status = response.status;
      e.body = body;
      throw e;
    }
    return body;
  }

  // ---- pre-chat form -------------------------------------------------------------------
  function showForm() {
    $("chat").hidden = true;
    $("prechat").hidden = false;
    const queues = config.queues || [];
    const select = $("queue");
    select.replaceChildren();
    for (const q of queues) {
      const o = document.createElement("option");
      o.value = String(q.id);
      o.textContent = q.name;
      select.appendChild(o);
    }
    $("queue-field").hidden = queues.length < 2;
    $("name").focus();
  }

  function fieldError(field, text) {
    const input = { name: "name", email: "email", queue: "queue", message: "question" }[field];
    const p = $(field + "-error");
    if (p) p.textContent = text || "";
    if (input) $(input).setAttribute("aria-invalid", text ? "true" : "false");
  }

  async function startChat(event) {
    event.preventDefault();
    for (const f of ["name", "email", "queue", "message"]) fieldError(f, "");
    $("form-error").textContent = "";
    const name = $("name").value.trim();
    const email = $("email").value.trim();
    let bad = false;
    if (!name) { fieldError("name", "Please enter your name."); bad = true; }
    if (!email) { fieldError("email", "Please enter your email address."); bad = true; }
    else if (!$("email").checkValidity()) { fieldError("email", "Please enter a valid email address, like ana@example.com."); bad = true; }
    if (bad) { focusFirstError(); return; }
    const body = { name, email, message: $("question").value };
    if (!$("queue-field").hidden) body.queue_id = Number($("queue").value);
    if (identity && identity.email === email && identity.name === name) {
      body.signature = identity.signature;
      body.signed_at = identity.signed_at;
    }
    $("start").disabled = true;
    try {
      const r = await fetch("/api/chats", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const started = await jsonOrError(r);
      chatId = started.chat.chat_id;
      localStorage.setItem(KEY, String(chatId));
      outbox = [];
      openChat(started.chat, started.messages);
    } catch (e) {
      const fields = (e.body && e.body.fields) || {};
      for (const [f, text] of Object.entries(fields)) fieldError(f, text);
      if (e.body && e.body.field) fieldError(e.body.field, e.message);
      if (!Object.keys(fields).length) $("form-error").textContent = errorText(e);
      focusFirstError();
    } finally {
      $("start").disabled = false;
    }
  }

  function focusFirstError() {
    const first = document.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  function errorText(e) {
    if (e instanceof TypeError) return "We cannot reach the chat service. Check your connection and try again.";
    return e.message;
  }

  // ---- the chat ------------------------------------------------------------------------
  function openChat(state, messages) {
    $("prechat").hidden = true;
    $("chat").hidden = false;
    $("download").href = api("/transcript");
    for (const m of messages || []) addMessage(m, true);
    for (const item of outbox) showOutbox(item);
    applyState(state);
    live = true;
    connect();
    $("message").focus();
  }

  function announce(text) {
    const p = document.createElement("p");
    p.textContent = text;
    $("live").appendChild(p);
    while ($("live").childNodes.length > 5) $("live").firstChild.remove();
  }

  function line(kind, text) {
    const li = document.createElement("li");
    li.className = "msg " + kind;
    li.textContent = text;
    place(li, null);
    scrollDown();
    if (live && !kind.startsWith("customer")) announce(text);
    return li;
  }

  function scrollDown() {
    const t = $("transcript");
    t.scrollTop = t.scrollHeight;
  }

  function render(m) {
    const li = document.createElement("li");
    li.className = "msg " + m.sender;
    li.dataset.id = String(m.id);
    if (m.sender !== "system") {
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = m.name;
      li.appendChild(who);
    }
    const body = document.createElement("div");
    if (m.format === "html") {
      body.className = "body";
      body.appendChild(window.LW.renderHtml(m.html));
    } else {
      body.className = "text";
      body.textContent = m.text;
    }
    li.appendChild(body);
    return li;
  }

  // Puts an element in the transcript: a stored message (with its id) before any newer one;
  // anything before the outbox, which stays at the bottom.
  function place(li, id) {
    const t = $("transcript");
    let before = null;
    for (const el of t.children) {
      if (el.classList.contains("outbox") || (id != null && el.dataset.id && Number(el.dataset.id) > id)) {
        before = el;
        break;
      }
    }
    t.insertBefore(li, before);
  }

  // Places a stored message once, in id order. Only what the server delivered (`fromServer`:
  // the live channel or a resync) moves the resume point; the answer to the page's own send
  // does not.
  function addMessage(m, fromServer) {
    if (fromServer) lastId = Math.max(lastId, m.id);
    if (m.client_id && outbox.some((o) => o.cid === m.client_id)) dropOutbox(m.client_id);
    if (shown.has(m.id)) return;
    const li = render(m);
    shown.set(m.id, li);
    place(li, m.id);
    scrollDown();
    if (m.sender === "agent") $("typing").textContent = "";
    if (live && m.sender !== "customer") {
      announce((m.sender === "system" ? "" : m.name + ": ") + m.text);
    }
  }

  function minutes(s) {
    if (s < 60) return "less than a minute";
    const n = Math.round(s / 60);
    return "about " + n + (n === 1 ? " minute" : " minutes");
  }

  function applyState(state) {
    const before = chat;
    chat = state;
    scheduleCheckin(state.checkin_ms || HEARTBEAT_MS);
    const status = $("status");
    if (state.state === "waiting") {
      let text = "Waiting for an agent";
      if (state.position) text += "; you are number " + state.position + " in line";
      text += ".";
      if (state.wait_estimate_s != null) text += " Estimated wait: " + minutes(state.wait_estimate_s) + ".";
      status.textContent = text;
      if (!waitingTimer) {
        waitingTimer = setInterval(() => {
          if (chat && chat.state === "waiting") {
            line("local", "Still waiting for an agent" +
              (chat.position ? "; you are number " + chat.position + "." : "."));
          }
        }, STILL_WAITING_MS);
      }
    } else {
      clearInterval(waitingTimer);
      waitingTimer = null;
    }
    if (state.state === "active") {
      status.textContent = "You are chatting with " + (state.agent_name || "an agent") + ".";
      if (!before || before.state !== "active" || before.agent_name !== state.agent_name) {
        if (before) line("system", (state.agent_name || "An agent") + " joined the chat.");
      }
    }
    if (state.state === "ended") {
      status.textContent = state.ended || "The chat has ended.";
      if (before && before.state !== "ended") line("system", state.ended || "The chat has ended.");
      $("composer").hidden = true;
      $("end").hidden = true;
      $("again").hidden = false;
      $("typing").textContent = "";
      window.LW.survey(state.survey, (body) => post("/rating", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      }, 2), config.rating_comment_chars);
    } else {
      $("composer").hidden = false;
      $("end").hidden = false;
      $("again").hidden = true;
    }
  }

  // ---- the live channel ----------------------------------------------------------------
  function connect() {
    clearTimeout(reconnectTimer);
    if (!chatId) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + api("/live?after=" + lastId));
    socket = ws;
    // A socket that hangs while connecting (a network that drops the packets) is given up,
    // so the retries go on rather than waiting for the browser's own timeout.
    const opening = setTimeout(() => { if (ws.readyState === 0) ws.close(); }, 10000);
    ws.onopen = () => { clearTimeout(opening); retryMs = 500; };
    ws.onmessage = (ev) => {
      let frame;
      try { frame = JSON.parse(ev.data); } catch (_) { return; }
      if (frame.type === "message") addMessage(frame.message, true);
      else if (frame.type === "state") applyState(frame.chat);
      else if (frame.type === "typing") showTyping(frame.name);
      else if (frame.type === "reconnect") retryMs = 200;
      // Unknown frames are for newer pages: ignored.
    };
    ws.onclose = (ev) => {
      clearTimeout(opening);
      if (socket !== ws) return;
      socket = null;
      if (ev.code === 1008 || (chat && chat.state === "ended")) return;
      if (retryMs > 2000) $("status").textContent = "Reconnecting…";
      const wait = retryMs + Math.random() * retryMs;
      retryMs = Math.min(retryMs * 2, 10000);
      reconnectTimer = setTimeout(resume, wait);
    };
  }

  // After a drop: is the chat still ours? Then reconnect from the last id held.
  async function resume() {
    try {
      const r = await fetch(api(""));
      if (r.status === 403) { forget(); return; }
      applyState(await jsonOrError(r));
    } catch (_) { /* still offline: the socket retries */ }
    connect();
  }

  function showTyping(name) {
    $("typing").textContent = name + " is typing…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { $("typing").textContent = ""; }, 4000);
  }

  function sendFrame(type) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type }));
  }

  // ---- sending -------------------------------------------------------------------------
  async function post(path, init, tries) {
    for (let i = 0; ; i++) {
      try {
        return await jsonOrError(await fetch(api(path), init));
      } catch (e) {
        // A lost answer is retried with the same client id: the server stores it once.
        if (!(e instanceof TypeError) || i + 1 >= tries) throw e;
        await new Promise((r) => setTimeout(r, 500 * (i + 1)));
      }
    }
  }

  // ---- the outbox: texts not stored yet, kept across reloads until they are -------------
  function loadOutbox() {
    let saved = [];
    try { saved = JSON.parse(localStorage.getItem(OUTBOX + chatId) || "[]"); } catch (_) { saved = []; }
    outbox = (Array.isArray(saved) ? saved : [])
      .filter((o) => o && typeof o.cid === "string" && typeof o.text === "string")
      .map((o) => ({ cid: o.cid, text: o.text, error: o.error || "The page was closed before it was sent." }));
  }

  function saveOutbox() {
    const items = outbox.map((o) => ({ cid: o.cid, text: o.text, error: o.error }));
    try {
      if (items.length) localStorage.setItem(OUTBOX + chatId, JSON.stringify(items));
      else localStorage.removeItem(OUTBOX + chatId);
    } catch (_) { /* storage full or off: the texts still show, with Retry */ }
  }

  function outboxLi(cid) {
    return [...$("transcript").querySelectorAll("li.outbox")].find((li) => li.dataset.cid === cid) || null;
  }

  // Shows an outbox text: "Sending…", or "Not sent: why" with Retry.
  function showOutbox(item) {
    let li = outboxLi(item.cid);
    if (!li) {
      li = document.createElement("li");
      li.className = "msg customer outbox";
      li.dataset.cid = item.cid;
      const body = document.createElement("div");
      body.className = "text";
      body.textContent = item.text;
      const note = document.createElement("p");
      note.className = "note";
      li.append(body, note);
      $("transcript").appendChild(li);
      scrollDown();
    }
    const note = li.querySelector(".note");
    note.replaceChildren();
    const failed = !inFlight.has(item.cid) && !!item.error;
    li.classList.toggle("failed", failed);
    if (!failed) {
      note.textContent = "Sending…";
      return;
    }
    note.append("Not sent: " + item.error + " ");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "retry";
    retry.textContent = "Retry";
    retry.addEventListener("click", () => deliver(item));
    note.appendChild(retry);
  }

  function dropOutbox(cid) {
    outbox = outbox.filter((o) => o.cid !== cid);
    saveOutbox();
    const li = outboxLi(cid);
    if (li) li.remove();
  }

  async function deliver(item) {
    if (inFlight.has(item.cid)) return;
    inFlight.add(item.cid);
    showOutbox(item);
    try {
      const m = await post("/messages", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: item.cid, text: item.text }),
      }, 3);
      inFlight.delete(item.cid);
      dropOutbox(item.cid);
      addMessage(m, false);
    } catch (e) {
      inFlight.delete(item.cid);
      item.error = errorText(e);
      if (!outbox.includes(item)) return; // delivered by the live channel meanwhile
      saveOutbox();
      showOutbox(item);
    }
  }

  async function sendText(event) {
    event.preventDefault();
    const box = $("message");
    const text = box.value.trim();
    $("send-error").textContent = "";
    if (!text) return;
    if (text.length > config.message_chars) {
      $("send-error").textContent = "Your message has " + text.length + " characters; the limit is " +
        config.message_chars + ". Please shorten it or send it in parts.";
      return;
    }
    // Into the outbox (and storage) before the first attempt: a failure or a reload loses nothing.
    const item = { cid: crypto.randomUUID(), text, error: null };
    outbox.push(item);
    saveOutbox();
    box.value = "";
    await deliver(item);
  }

  // An image, or a file of a type the site accepts (the server checks its bytes either way).
  async function sendImage(file) {
    $("send-error").textContent = "";
    if (!file) return;
    const image = /^image\/(png|jpeg|gif|webp)$/.test(file.type);
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    if (!image && !(config.file_extensions || []).includes(ext)) {
      $("send-error").textContent = "“" + file.name + "” is not a type of file we accept. Send " +
        (config.file_types_text || "a PNG, JPEG, GIF or WebP image") + ", or an image.";
      return;
    }
    const limit = image ? config.image_bytes : config.file_bytes;
    if (file.size > limit) {
      $("send-error").textContent = "“" + file.name + "” is " + (file.size / 1048576).toFixed(1) +
        " MB; " + (image ? "images" : "files") + " can be at most " + Math.floor(limit / 1048576) + " MB.";
      return;
    }
    const pending = line("customer pending", "Sending " + file.name + "…");
    try {
      const m = await post(image ? "/images" : "/files", {
        method: "POST",
        headers: { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(file.name),
          "X-Client-Id": crypto.randomUUID() },
        body: file,
      }, 2);
      pending.remove();
      addMessage(m, false);
    } catch (e) {
      pending.remove();
      $("send-error").textContent = errorText(e);
    }
  }

  function onInput() {
    const now = Date.now();
    if (now - lastTypingSent > TYPING_EVERY_MS && $("message").value.trim()) {
      lastTypingSent = now;
      sendFrame("typing");
    }
  }

  async function endChat() {
    try {
      applyState(await post("/end", { method: "POST" }, 2));
    } catch (e) {
      $("send-error").textContent = errorText(e);
    }
  }

  // Check-ins as often as the absent interval in force needs (the server says how often),
  // over HTTP so they also get through while the live channel is reconnecting.
  function scheduleCheckin(ms) {
    if (ms === checkinMs) return;
    checkinMs = ms;
    clearInterval(checkinTimer);
    checkinTimer = setInterval(() => {
      if (chatId && chat && chat.state !== "ended") fetch(api("/heartbeat"), { method: "POST" }).catch(() => {});
    }, ms);
  }

  function forget() {
    localStorage.removeItem(KEY);
    if (chatId) {
      try { localStorage.removeItem(OUTBOX + chatId); } catch (_) { /* nothing kept */ }
    }
    outbox = [];
    clearInterval(checkinTimer);
    checkinMs = 0;
    chatId = null;
    lastId = 0;
    chat = null;
    live = false;
    shown.clear();
    $("transcript").replaceChildren();
    $("live").replaceChildren();
    window.LW.surveyReset();
    if (socket) { const s = socket; socket = null; s.close(); }
    showForm();
  }

  // ---- start ---------------------------------------------------------------------------
  async function boot() {
    try {
      config = await jsonOrError(await fetch("/api/config"));
      $("file").accept = ["image/png", "image/jpeg", "image/gif", "image/webp"]
        .concat((config.file_extensions || []).map((e) => "." + e)).join(",");
    } catch (e) {
      $("prechat").hidden = false;
      $("form-error").textContent = errorText(e);
    }
    const saved = Number(localStorage.getItem(KEY) || "0");
    if (saved) {
      chatId = saved;
      loadOutbox();
      try {
        const state = await jsonOrError(await fetch(api("")));
        const messages = await jsonOrError(await fetch(api("/messages?after=0")));
        openChat(state, messages);
        return;
      } catch (_) {
        localStorage.removeItem(KEY);
        chatId = null;
      }
    }
    showForm();
  }

  // A website that signed its user in may hand over their identity (from an allowed origin).
  window.addEventListener("message", (ev) => {
    if (!(config.embed_origins || []).includes(ev.origin)) return;
    const d = ev.data || {};
    if (d.type !== "livewindow-identity" || typeof d.email !== "string") return;
    const name = typeof d.name === "string" ? d.name.trim() : "";
    identity = { email: d.email.trim(), name, signed_at: Number(d.signed_at), signature: String(d.signature || "") };
    if (name) $("name").value = name;
    $("email").value = identity.email;
  });

  $("prechat").addEventListener("submit", startChat);
  $("composer").addEventListener("submit", sendText);
  $("message").addEventListener("input", onInput);
  $("message").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("message").addEventListener("paste", (e) => {
    const files = e.clipboardData ? [...e.clipboardData.files] : [];
    if (files.length) { e.preventDefault(); files.forEach(sendImage); }
  });
  $("file").addEventListener("change", () => { [...$("file").files].forEach(sendImage); $("file").value = ""; });
  const composer = $("composer");
  composer.addEventListener("dragover", (e) => { e.preventDefault(); composer.classList.add("dragging"); });
  composer.addEventListener("dragleave", () => composer.classList.remove("dragging"));
  composer.addEventListener("drop", (e) => {
    e.preventDefault();
    composer.classList.remove("dragging");
    [...(e.dataTransfer ? e.dataTransfer.files : [])].forEach(sendImage);
  });
  $("end").addEventListener("click", endChat);
  $("again").addEventListener("click", forget);
  window.addEventListener("online", () => { if (chatId && !socket) resume(); });
  window.addEventListener("resize", scrollDown);
  boot();
})();
