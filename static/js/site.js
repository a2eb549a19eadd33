// Progressive enhancement only: every page works without this file.
// Filters and the comparison's "only differences" switch apply as soon as
// they change, instead of waiting for the submit button.
(function () {
	"use strict";
	document.querySelectorAll("form[data-testid='filters'] select").forEach(function (sel) {
		sel.addEventListener("change", function () { sel.form.requestSubmit(); });
	});
	// On a phone the filters start folded, so the models come first; without
	// script they stay open.
	if (window.matchMedia("(max-width: 40rem)").matches) {
		document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) {
			if (!d.querySelector(".has-error")) { d.open = false; }
		});
	}
})();
