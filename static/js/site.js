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
// The pipeline board: drag a card onto another column to open its move
// form with that stage chosen; the note is still required, so the move
// is made by the form as without script.
(function () {
	"use strict";
	var dragged = null;
	document.querySelectorAll(".board-card[draggable]").forEach(function (card) {
		card.addEventListener("dragstart", function (ev) {
			dragged = card;
			ev.dataTransfer.setData("text/plain", card.dataset.proposalId);
		});
	});
	document.querySelectorAll(".board-col").forEach(function (col) {
		col.addEventListener("dragover", function (ev) {
			if (!dragged) { return; }
			var sel = dragged.querySelector("select[name=to]");
			if (sel && sel.querySelector("option[value='" + col.dataset.stage + "']")) {
				ev.preventDefault();
				col.classList.add("drop-target");
			}
		});
		col.addEventListener("dragleave", function () { col.classList.remove("drop-target"); });
		col.addEventListener("drop", function (ev) {
			ev.preventDefault();
			col.classList.remove("drop-target");
			if (!dragged) { return; }
			var sel = dragged.querySelector("select[name=to]");
			var details = dragged.querySelector("details");
			if (sel && details) {
				sel.value = col.dataset.stage;
				details.open = true;
				var note = dragged.querySelector("textarea[name=note]");
				if (note) { note.focus(); }
			}
			dragged = null;
		});
	});
})();
