// ==UserScript==
// @name         CodeChat passkey helper
// @namespace    codechat.net
// @version      1.0.0
// @description  Answers a CodeChat.NET instance's passkey request (issue 15) from WhatsApp Web: reads WhatsApp's WebAuthn options from the gateway, signs them with the account's passkey, posts the assertion back and confirms the code.
// @match        https://web.whatsapp.com/*
// @grant        none
// @run-at       document-idle
// ==/UserScript==

// Why a browser at all: a WhatsApp passkey belongs to WhatsApp's web origin, so only
// navigator.credentials.get() on that origin can use it. The gateway (README "Passkey-required
// accounts") does everything else. This script runs in the page (no extension APIs, no build step);
// it talks to the gateway with fetch, which the gateway allows from https://web.whatsapp.com for the
// /instance/passkey routes only (CORS). The gateway URL and instance name are kept in this tab's
// sessionStorage; the key is asked for each time and kept only in memory.
(function () {
  'use strict';

  const store = window.sessionStorage;
  let apiKey = null;

  // --- base64url <-> bytes (WebAuthn JSON uses base64url without padding) ---
  function fromBase64Url(text) {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toBase64Url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** WhatsApp's request options (JSON) as navigator.credentials.get wants them. */
  function toRequestOptions(json) {
    if (typeof PublicKeyCredential !== 'undefined' && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: fromBase64Url(json.challenge),
      allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromBase64Url(c.id) })),
    };
  }

  /** PublicKeyCredential.toJSON(), or the same shape by hand for browsers without it. */
  function toJson(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    return {
      id: credential.id,
      rawId: toBase64Url(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64Url(r.clientDataJSON),
        authenticatorData: toBase64Url(r.authenticatorData),
        signature: toBase64Url(r.signature),
        userHandle: r.userHandle ? toBase64Url(r.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
  }

  // --- gateway calls ---
  function settings() {
    let gateway = store.getItem('codechat.gateway');
    let instance = store.getItem('codechat.instance');
    if (!gateway) {
      gateway = (prompt('CodeChat gateway URL (e.g. https://gateway.example.com)') || '').replace(/\/+$/, '');
      if (gateway) store.setItem('codechat.gateway', gateway);
    }
    if (!instance) {
      instance = prompt('Instance name') || '';
      if (instance) store.setItem('codechat.instance', instance);
    }
    if (!apiKey) apiKey = prompt('API key or the instance token (kept in memory only)') || null;
    if (!gateway || !instance || !apiKey) throw new Error('gateway, instance and key are needed');
    return { gateway, instance };
  }

  async function call(method, path, body) {
    const { gateway, instance } = settings();
    const response = await fetch(`${gateway}/instance/passkey/${encodeURIComponent(instance)}${path}`, {
      method,
      headers: { apikey: apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(answer.message || answer)}`);
    return answer;
  }

  // --- the panel ---
  const panel = document.createElement('div');
  panel.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:2147483647;background:#fff;color:#111;'
    + 'border:1px solid #25d366;border-radius:8px;padding:10px 12px;font:13px system-ui,sans-serif;'
    + 'box-shadow:0 2px 8px rgba(0,0,0,.2);max-width:280px';
  const status = document.createElement('div');
  status.textContent = 'CodeChat passkey helper';
  const button = document.createElement('button');
  button.textContent = 'Answer the passkey request';
  button.style.cssText = 'margin-top:8px;padding:4px 8px;cursor:pointer';
  panel.append(status, button);
  document.body.appendChild(panel);
  const say = (text) => { status.textContent = text; };

  async function confirm(state) {
    const show = state.skipHandoff
      ? `Code ${state.code} (WhatsApp already trusts this device; confirm?)`
      : `Does the phone show ${state.code}?`;
    if (!window.confirm(show)) {
      say('Not confirmed. The linking ends when its time runs out.');
      return;
    }
    await call('POST', '/confirm', { code: state.code });
    say('Confirmed: WhatsApp links the instance now.');
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      say('Reading the pending request…');
      const state = await call('GET', '');
      if (state.stage === 'awaiting_confirmation') return await confirm(state);
      if (state.stage !== 'awaiting_assertion') {
        say(`Nothing to answer (stage: ${state.stage}). Scan the instance's QR first.`);
        return;
      }
      say('Use your passkey…');
      const credential = await navigator.credentials.get({ publicKey: toRequestOptions(state.publicKey) });
      say('Sending the assertion…');
      const next = await call('POST', '/assertion', toJson(credential));
      if (next.stage === 'awaiting_confirmation') return await confirm(next);
      say(`Assertion accepted (stage: ${next.stage}); click again once the phone shows a code.`);
    } catch (error) {
      say(`Failed: ${error.message || error}`);
    } finally {
      button.disabled = false;
    }
  });
})();
