// Progressive enhancement only: every page works without this file.
// Filters and the comparison's "only differences" switch apply as soon as
// they change, instead of waiting for the submit button.
(function () {
	"use strict";
	document.querySelectorAll("form[data-testid='filters'] select").forEach(function (sel) {
		sel.addEventListener("change", function () { sel.form.requestSubmit(); });
	});
})();
