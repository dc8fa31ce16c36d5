// Progressive drag and drop for the upload form: without JavaScript the plain file input works the same.
(function () {
  "use strict";
  function setup(zone) {
    var input = zone.querySelector("input[type=file]");
    var chosen = zone.querySelector(".chosen");
    var limit = parseInt(zone.getAttribute("data-limit"), 10) || 0;
    function show() {
      var file = input.files && input.files[0];
      if (!file) { chosen.textContent = ""; return; }
      var tooLarge = limit && file.size > limit;
      chosen.classList.toggle("too-large", !!tooLarge);
      chosen.textContent = tooLarge
        ? file.name + " is larger than " + zone.getAttribute("data-limit-text") + "; choose a smaller file."
        : "Chosen: " + file.name;
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
    input.addEventListener("change", show);
  }
  document.querySelectorAll(".dropzone").forEach(setup);
})();
