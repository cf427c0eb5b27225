// Security keys and passkeys: the browser's half of adding one, and of using one at the second step of sign-in.
// The server's options come in a <script type="application/json"> block named by data-passkey-options;
// webauthn-json (served with django-allauth) turns them into navigator.credentials calls and back into JSON.
(function () {
  'use strict'

  const REFUSED = 'The security key did not answer (it was cancelled, timed out, or is already on this account). Try again.'

  function setUp (box) {
    const form = box.querySelector('form')
    const input = form.querySelector('input[name="credential"]')
    const error = box.querySelector('[data-passkey-error]')
    const options = JSON.parse(document.getElementById(box.dataset.passkeyOptions).textContent)
    const create = box.dataset.passkey === 'create'
    // Django renders an empty JSON field as "null", and a refused answer comes back filled: start empty.
    input.value = ''
    box.hidden = false
    form.addEventListener('submit', async function (event) {
      if (input.value) return
      event.preventDefault()
      error.hidden = true
      try {
        const credential = create
          ? await window.webauthnJSON.create(options)
          : await window.webauthnJSON.get(options)
        input.value = JSON.stringify(credential)
        form.submit()
      } catch (e) {
        error.textContent = REFUSED
        error.hidden = false
      }
    })
  }

  function start () {
    const boxes = document.querySelectorAll('[data-passkey]')
    if (!boxes.length) return
    // Shown as the page arrives, for a browser without JavaScript; this one has it.
    document.querySelectorAll('[data-passkey-nojs]').forEach(function (p) { p.hidden = true })
    if (!window.PublicKeyCredential || !window.webauthnJSON) {
      document.querySelectorAll('[data-passkey-unsupported]').forEach(function (p) { p.hidden = false })
      return
    }
    boxes.forEach(setUp)
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start)
  } else {
    start()
  }
})()
