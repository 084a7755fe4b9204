// Passkeys in the browser: ask this site for options, let the browser's WebAuthn API do
// the rest (it writes this page's origin into what the authenticator signs), and post the
// answer back as JSON. Every check is the server's. Served by the app itself (no CDN);
// buttons carry their URLs and the CSRF token in data- attributes (CSP: no inline script).
(function () {
  "use strict";

  function toBytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toText(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map((c) => Object.assign({}, c, { id: toBytes(c.id) }));
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withIds(json.allowCredentials),
    });
  }

  function asJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    const response = {};
    for (const name of ["clientDataJSON", "attestationObject", "authenticatorData",
                        "signature", "userHandle"]) {
      if (credential.response[name]) response[name] = toText(credential.response[name]);
    }
    return { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
             response: response, clientExtensionResults: {} };
  }

  async function post(url, csrf, body) {
    const answer = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try {
      data = await answer.json();
    } catch (notJson) {
      data = { error: "The site did not answer as expected: reload the page and try again." };
    }
    if (!answer.ok) throw new Error(data.error || "The site refused this passkey.");
    return data;
  }

  function say(id, text) {
    const where = document.getElementById(id);
    if (where) {
      where.textContent = text;
      where.hidden = !text;
    }
  }

  async function run(button) {
    const { options, finish, csrf } = button.dataset;
    const registering = button.dataset.passkey === "register";
    say("passkey-error", "");
    say("passkey-notice", "");
    button.disabled = true;
    try {
      const json = await post(options, csrf);
      const credential = registering
        ? await navigator.credentials.create({ publicKey: creationOptions(json) })
        : await navigator.credentials.get({ publicKey: requestOptions(json) });
      const result = await post(finish, csrf, asJSON(credential));
      if (result.redirect) {
        window.location.assign(result.redirect);
        return;
      }
      say("passkey-notice", result.message || "Done.");
    } catch (failed) {
      const cancelled = failed && failed.name === "NotAllowedError";
      say("passkey-error", cancelled
        ? "No passkey was used (cancelled, timed out, or none on this device for this site)."
        : failed.message);
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("button[data-passkey]")) {
      if (!window.PublicKeyCredential) {
        button.disabled = true;
        say("passkey-error", "This browser cannot use passkeys.");
        continue;
      }
      button.addEventListener("click", () => run(button));
    }
  });
})();
