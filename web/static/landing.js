// The language list reloads the landing page in the chosen language; the
// button beside it does the same without JavaScript.
document.getElementById('lang').addEventListener('change', function () { this.form.submit(); });
