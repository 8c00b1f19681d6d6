// The Amanah console's small helpers: the password strength meter (asks the server,
// which scores with zxcvbn and the blocklist) and the invitation code from the link's
// fragment (never sent to the server in a URL).
"use strict";

(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function meter(input) {
    var target = input.getAttribute("data-strength");
    var bar = document.getElementById(target);
    var label = document.querySelector('[data-strength-label="' + target + '"]');
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch("/console/password-strength", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
          body: JSON.stringify({ password: input.value })
        })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            if (mine !== asked) return;
            if (bar) bar.value = data.score;
            if (label) label.textContent = input.value ? data.label : "";
          })
          .catch(function () {});
      }, 250);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("[data-strength]");
    for (var i = 0; i < inputs.length; i++) meter(inputs[i]);
    var fromHash = document.querySelector("[data-from-hash]");
    if (fromHash && window.location.hash.length > 1) {
      fromHash.value = decodeURIComponent(window.location.hash.slice(1));
      history.replaceState(null, "", window.location.pathname);
    }
  });
})();
