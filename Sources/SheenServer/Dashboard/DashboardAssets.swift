/// The dashboard's style sheet and script: plain CSS and a few lines of browser JavaScript, no build chain. The
/// script only listens to the API's Server-Sent Events and updates the page; every action is a plain form post, so
/// the dashboard works by keyboard and without the script too.
enum DashboardAssets {
    static let css = """
        @font-face { font-family: "Sheen Arabic"; src: url("/assets/arabic.ttf") format("truetype"); font-display: swap; }
        :root { --ink: #1a1a1a; --muted: #4a4a4a; --paper: #ffffff; --line: #c8c8c8; --accent: #0b4f8a;
          --green: #0b6b2e; --red: #a4161a; --amber: #6b4e00; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: #f4f5f7; font: 16px/1.6 system-ui, sans-serif; }
        html[dir="rtl"] body { font-family: "Sheen Arabic", "Amiri", serif; font-size: 18px; }
        header { background: var(--paper); border-block-end: 1px solid var(--line); }
        nav { display: flex; gap: 1rem; align-items: center; max-width: 60rem; margin: 0 auto; padding: .5rem 1rem; }
        nav .brand { font-weight: 700; margin-inline-end: auto; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        a { color: var(--accent); }
        .card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem;
          margin-block: 1rem; }
        label { display: block; font-weight: 600; margin-block-start: .75rem; }
        label.check { display: inline-block; font-weight: 400; margin-inline-end: 1rem; }
        input, select { font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 4px;
          min-width: 16rem; }
        input[type="checkbox"] { min-width: 0; }
        fieldset { border: 1px solid var(--line); margin-block-start: .75rem; }
        button { font: inherit; color: #fff; background: var(--accent); border: 0; border-radius: 4px;
          padding: .5rem 1rem; margin-block-start: .75rem; cursor: pointer; }
        button.secondary { background: #3d3d3d; }
        :focus-visible { outline: 3px solid #d97706; outline-offset: 2px; }
        .buttons { display: flex; gap: .75rem; flex-wrap: wrap; }
        .hint, .muted { color: var(--muted); margin: .25rem 0; }
        .problem { color: var(--red); border-inline-start: 4px solid var(--red); padding-inline-start: .75rem; }
        .notice { color: var(--green); font-weight: 600; }
        table { border-collapse: collapse; width: 100%; margin-block: .5rem; }
        th, td { text-align: start; padding: .35rem .5rem; border-block-end: 1px solid var(--line);
          vertical-align: top; }
        ul#items { list-style: none; padding: 0; }
        li.item { padding: .35rem 0; border-block-end: 1px solid var(--line); }
        .badge { display: inline-block; min-width: 6rem; font-weight: 700; }
        .status-True .badge { color: var(--green); }
        .status-True .badge::before { content: "✓ "; }
        .status-False .badge { color: var(--red); }
        .status-False .badge::before { content: "✗ "; }
        .status-Unknown .badge { color: var(--amber); }
        .status-Unknown .badge::before { content: "… "; }
        ol#progress { max-height: 16rem; overflow-y: auto; font-size: .9em; color: var(--muted); }
        .skip { position: absolute; inset-inline-start: -999px; }
        .skip:focus { inset-inline-start: 1rem; top: .5rem; background: #fff; padding: .5rem; z-index: 1; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        """

    static let script = """
        "use strict";
        (function () {
          var checklist = document.getElementById("checklist");
          if (checklist && window.EventSource) {
            var labels = JSON.parse(checklist.getAttribute("data-labels") || "{}");
            var lang = document.documentElement.lang;
            var source = new EventSource(checklist.getAttribute("data-checklist-stream"));
            source.addEventListener("checklist", function (message) {
              var list = JSON.parse(message.data);
              var items = document.getElementById("items");
              var note = document.getElementById("not-judged");
              if (note && list.items.length) { note.hidden = true; }
              items.textContent = "";
              list.items.forEach(function (item) {
                var li = document.createElement("li");
                li.className = "item status-" + item.status;
                li.setAttribute("data-item", item.item);
                li.setAttribute("data-status", item.status);
                var badge = document.createElement("span");
                badge.className = "badge";
                badge.textContent = labels[item.status] || item.status;
                var title = document.createElement("span");
                title.className = "title";
                title.textContent = " " + (item.title[lang] || item.title.en);
                li.appendChild(badge);
                li.appendChild(title);
                items.appendChild(li);
              });
              document.getElementById("checklist-count").textContent = list.green + "/" + list.total;
              checklist.setAttribute("data-ready", String(list.ready));
              document.getElementById("ready-note").hidden = !list.ready;
            });
          }
          var launch = document.getElementById("launch");
          if (launch && window.EventSource) {
            var progress = document.getElementById("progress");
            var words = JSON.parse(launch.getAttribute("data-labels") || "{}");
            var status = document.getElementById("launch-status");
            var stream = new EventSource(launch.getAttribute("data-launch-stream"));
            stream.addEventListener("progress", function (message) {
              var event = JSON.parse(message.data);
              var li = document.createElement("li");
              li.textContent = words[event.type] || event.type;
              // Step ids and states are technical and Latin: isolated, so they never reorder the Arabic around them.
              var detail = "";
              if (event.step) { detail = event.step + " " + event.state; }
              if (event.type === "checklist") { detail = event.green + "/" + event.total; }
              if (event.type === "finished") {
                li.textContent += " " + (launch.getAttribute("data-" + event.status) || event.status);
                launch.setAttribute("data-status", event.status);
                status.textContent = (launch.getAttribute("data-" + event.status) || event.status);
                stream.close();
              }
              if (detail) {
                var bdi = document.createElement("bdi");
                bdi.textContent = detail;
                li.appendChild(document.createTextNode(" "));
                li.appendChild(bdi);
              }
              progress.appendChild(li);
            });
          }
        })();
        """
}
