// Progressive enhancement: a "Copy" button on every code snippet of "Getting started".
// Without JavaScript the snippets are plain text to select and copy.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  var section = document.getElementById("getting-started");
  if (!section) {
    return;
  }
  var label = document.documentElement.lang === "nl" ? "Kopiëren" : "Copy";
  var done = document.documentElement.lang === "nl" ? "Gekopieerd" : "Copied";
  section.querySelectorAll("figure.snippet").forEach(function (figure) {
    var code = figure.querySelector("pre code");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = label;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = done;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
    figure.querySelector("figcaption").appendChild(document.createTextNode(" "));
    figure.querySelector("figcaption").appendChild(button);
  });
})();
