// Passkeys (WebAuthn) for the Amanah console: navigator.credentials.create / get.
// A button with data-webauthn="create" or "get" fetches options from data-options,
// runs the ceremony, and posts the credential (JSON, base64url) to data-verify.
// The server answers {"redirect": url} or {"error": message, "redirect"?: url}.
"use strict";

(function () {
  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        data.ok = response.ok;
        return data;
      });
    });
  }

  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }

  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }

  function registration(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64url(r.clientDataJSON),
        attestationObject: toB64url(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : []
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || null
    };
  }

  function assertion(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toB64url(r.clientDataJSON),
        authenticatorData: toB64url(r.authenticatorData),
        signature: toB64url(r.signature),
        userHandle: r.userHandle ? toB64url(r.userHandle) : null
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment || null
    };
  }

  function run(button) {
    var mode = button.getAttribute("data-webauthn");
    var section = button.closest("section") || document;
    var error = section.querySelector("[data-webauthn-error]");
    var nameField = button.getAttribute("data-name-field");
    if (error) error.hidden = true;
    button.disabled = true;
    post(button.getAttribute("data-options"))
      .then(function (options) {
        if (!options.ok) throw options;
        delete options.ok;
        if (mode === "create") {
          return navigator.credentials.create({ publicKey: creationOptions(options) })
            .then(registration);
        }
        return navigator.credentials.get({ publicKey: requestOptions(options) }).then(assertion);
      })
      .then(function (credential) {
        var body = { credential: credential, next: button.getAttribute("data-next") || "" };
        if (nameField) body.name = document.getElementById(nameField).value;
        return post(button.getAttribute("data-verify"), body);
      })
      .then(function (result) {
        if (result.redirect) {
          window.location.assign(result.redirect);
          return;
        }
        throw result;
      })
      .catch(function (problem) {
        button.disabled = false;
        if (problem && problem.redirect) {
          window.location.assign(problem.redirect);
          return;
        }
        if (error) {
          if (problem && problem.error) error.textContent = problem.error;
          error.hidden = false;
        }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-webauthn]");
    for (var i = 0; i < buttons.length; i++) {
      if (!window.PublicKeyCredential) {
        buttons[i].disabled = true;
        continue;
      }
      buttons[i].addEventListener("click", function (event) { run(event.currentTarget); });
    }
  });
})();
