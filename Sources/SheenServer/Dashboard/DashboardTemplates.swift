/// The dashboard's pages as Mustache templates (swift-mustache), compiled into the binary so an installed `sheen`
/// needs no files beside it. Every `{{value}}` is HTML-escaped; nothing is ever rendered unescaped.
enum DashboardTemplates {
    static let layout = """
        <!doctype html>
        <html lang="{{lang}}" dir="{{dir}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}{{t.brand}}{{/title}}</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        </head>
        <body>
        <a class="skip" href="#main">{{t.skip}}</a>
        <header>
        <nav aria-label="{{t.nav}}">
        <a class="brand" href="/{{lang}}/">{{t.brand}}</a>
        <a href="{{switchHref}}" lang="{{otherLang}}" hreflang="{{otherLang}}">{{t.language}}</a>
        {{#signedIn}}<form method="post" action="/{{lang}}/logout"><button type="submit">{{t.logout}}</button></form>{{/signedIn}}
        </nav>
        </header>
        <main id="main" tabindex="-1">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#problem}}<div class="problem" role="alert"><strong>{{t.error}}:</strong> {{problem}}</div>{{/problem}}
        {{$main}}{{/main}}
        </main>
        <script src="/assets/dashboard.js" defer></script>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$title}}{{t.loginTitle}} · {{t.brand}}{{/title}}
        {{$main}}
        <h1>{{t.loginTitle}}</h1>
        <p id="login-intro">{{t.loginIntro}}</p>
        <form method="post" action="/{{lang}}/login" class="card">
        <label for="token">{{t.token}}</label>
        <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="login-intro" dir="ltr">
        <button id="sign-in" type="submit">{{t.signIn}}</button>
        </form>
        {{/main}}
        {{/layout}}
        """

    static let projects = """
        {{<layout}}
        {{$title}}{{t.projects}} · {{t.brand}}{{/title}}
        {{$main}}
        <h1>{{t.projects}}</h1>
        {{#hasProjects}}<ul class="projects">{{/hasProjects}}
        {{#projects}}<li><a href="/{{lang}}/projects/{{name}}">{{name}}</a> <span class="muted">{{recipeName}} · {{markets}}</span></li>{{/projects}}
        {{#hasProjects}}</ul>{{/hasProjects}}
        {{^projects}}<p>{{t.noProjects}}</p>{{/projects}}
        <section aria-labelledby="new-project-title" class="card">
        <h2 id="new-project-title">{{t.newProject}}</h2>
        <form method="post" action="/{{lang}}/projects" id="new-project">
        <label for="project-name">{{t.name}}</label>
        <input id="project-name" name="name" required pattern="[a-z][a-z0-9\\-]{0,62}" aria-describedby="name-hint" dir="ltr" value="{{form.name}}">
        <p id="name-hint" class="hint">{{t.nameHint}}</p>
        <label for="recipe">{{t.recipe}}</label>
        <select id="recipe" name="recipe">
        {{#recipes}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/recipes}}
        </select>
        <fieldset aria-describedby="markets-hint">
        <legend>{{t.markets}}</legend>
        {{#markets}}<label class="check"><input type="checkbox" name="markets" value="{{code}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/markets}}
        <p id="markets-hint" class="hint">{{t.marketsHint}}</p>
        </fieldset>
        <label for="domain">{{t.domain}}</label>
        <input id="domain" name="domain" dir="ltr" value="{{form.domain}}">
        <label for="public-url">{{t.publicURL}}</label>
        <input id="public-url" name="webhook_public_url" type="url" dir="ltr" aria-describedby="public-url-hint" value="{{form.webhook_public_url}}">
        <p id="public-url-hint" class="hint">{{t.publicURLHint}}</p>
        <button id="create-project" type="submit">{{t.create}}</button>
        </form>
        </section>
        {{/main}}
        {{/layout}}
        """

    static let project = """
        {{<layout}}
        {{$title}}{{project.name}} · {{t.brand}}{{/title}}
        {{$main}}
        <h1><bdi>{{project.name}}</bdi></h1>
        <p class="muted">{{recipeName}} · {{project.markets}}</p>

        <section aria-labelledby="launch-title" class="card">
        <h2 id="launch-title">{{t.launch}}</h2>
        <p class="hint">{{t.launchHint}}</p>
        <form method="post" action="/{{lang}}/projects/{{project.name}}/launches" class="buttons">
        <input type="hidden" name="key" value="{{launchKey}}">
        <button id="launch-sandbox" type="submit" name="mode" value="sandbox">{{t.launchSandbox}}</button>
        <button id="launch-real" type="submit" name="mode" value="real" class="secondary">{{t.launchReal}}</button>
        </form>
        {{#launch}}
        <div id="launch" data-launch-stream="/v1/projects/{{project.name}}/launches/{{id}}/stream" data-status="{{status}}" data-succeeded="{{t.succeeded}}" data-failed="{{t.failed}}" data-labels="{{progressLabels}}">
        <h3>{{t.launchNumber}} {{id}}: <span id="launch-status" aria-live="polite">{{statusText}}</span></h3>
        <ol id="progress" aria-live="polite" aria-label="{{t.progress}}"></ol>
        </div>
        {{/launch}}
        </section>

        <section aria-labelledby="checklist-title" class="card">
        <h2 id="checklist-title">{{t.checklist}} <span id="checklist-count">{{checklist.green}}/{{checklist.total}}</span></h2>
        <div id="checklist" data-checklist-stream="/v1/projects/{{project.name}}/checklist/stream" data-ready="{{checklist.ready}}" data-labels="{{statusLabels}}">
        {{^checklist.items}}<p id="not-judged">{{t.notJudged}}</p>{{/checklist.items}}
        <ul id="items" aria-live="polite">
        {{#checklist.items}}<li class="item status-{{status}}" data-item="{{item}}" data-status="{{status}}" data-succeeded="{{t.succeeded}}" data-failed="{{t.failed}}" data-labels="{{progressLabels}}"><span class="badge">{{statusText}}</span> <span class="title">{{title}}</span>{{#message}} <span class="muted">{{message}}</span>{{/message}}</li>{{/checklist.items}}
        </ul>
        <p id="ready-note" class="notice"{{^checklist.ready}} hidden{{/checklist.ready}}>{{t.ready}}</p>
        </div>
        </section>

        <section aria-labelledby="plan-title" class="card">
        <h2 id="plan-title">{{t.plan}}</h2>
        {{#planProblem}}<p class="problem" role="alert">{{planProblem}}</p>{{/planProblem}}
        <h3>{{t.providers}}</h3>
        <table>
        <thead><tr><th scope="col">{{t.slot}}</th><th scope="col">{{t.provider}}</th><th scope="col">{{t.why}}</th></tr></thead>
        <tbody>{{#assignments}}<tr><td>{{slot}}</td><td dir="ltr">{{provider}}</td><td>{{reasons}}</td></tr>{{/assignments}}</tbody>
        </table>
        <h3>{{t.cost}}</h3>
        <table>
        <thead><tr><th scope="col">{{t.provider}}</th><th scope="col">{{t.cost}}</th><th scope="col">{{t.perTransaction}}</th></tr></thead>
        <tbody>{{#costs}}<tr><td dir="ltr">{{provider}}</td><td dir="ltr">{{monthly}}</td><td dir="ltr">{{perTransaction}}</td></tr>{{/costs}}</tbody>
        <tfoot>{{#totals}}<tr><th scope="row">{{t.total}}</th><td dir="ltr" colspan="2">{{.}}</td></tr>{{/totals}}</tfoot>
        </table>
        <details>
        <summary>{{t.steps}} ({{stepCount}})</summary>
        <table>
        <thead><tr><th scope="col">{{t.step}}</th><th scope="col">{{t.action}}</th><th scope="col">{{t.why}}</th></tr></thead>
        <tbody>{{#steps}}<tr><td>{{title}}</td><td dir="ltr">{{action}}</td><td dir="ltr">{{reason}}</td></tr>{{/steps}}</tbody>
        </table>
        </details>
        </section>

        <section aria-labelledby="connections-title" class="card">
        <h2 id="connections-title">{{t.connections}}</h2>
        {{^connections}}<p>{{t.noConnections}}</p>{{/connections}}
        {{#hasConnections}}<table>
        <thead><tr><th scope="col">{{t.provider}}</th><th scope="col">{{t.status}}</th><th scope="col">{{t.health}}</th></tr></thead>
        <tbody>{{/hasConnections}}
        {{#connections}}<tr><td dir="ltr">{{reference}} ({{environment}}{{#sandbox}}, sandbox{{/sandbox}})</td><td>{{healthText}}</td><td>{{errors}}</td></tr>{{/connections}}
        {{#hasConnections}}</tbody></table>{{/hasConnections}}
        {{#forms}}
        <form method="post" action="/{{lang}}/projects/{{project.name}}/connections" class="connect" aria-labelledby="connect-{{provider}}">
        <h3 id="connect-{{provider}}">{{t.connectTitle}}: {{name}}</h3>
        <input type="hidden" name="provider" value="{{provider}}">
        {{#fields}}
        <label for="f-{{provider}}-{{field}}">{{label}}{{^optional}} *{{/optional}}</label>
        <input id="f-{{provider}}-{{field}}" name="field.{{field}}" type="{{type}}" dir="ltr" autocomplete="off"{{^optional}} required{{/optional}}{{#hint}} aria-describedby="h-{{provider}}-{{field}}"{{/hint}}>
        {{#hint}}<p id="h-{{provider}}-{{field}}" class="hint">{{hint}}</p>{{/hint}}
        {{/fields}}
        <button type="submit">{{t.connect}}</button>
        </form>
        {{/forms}}
        </section>

        <section aria-labelledby="dead-title" class="card">
        <h2 id="dead-title">{{t.deadLetters}}</h2>
        {{^dead}}<p>{{t.noDeadLetters}}</p>{{/dead}}
        {{#hasDead}}<table>
        <thead><tr><th scope="col">{{t.event}}</th><th scope="col">{{t.type}}</th><th scope="col">{{t.reason}}</th><th scope="col"><span class="visually-hidden">{{t.replay}}</span></th></tr></thead>
        <tbody>{{/hasDead}}
        {{#dead}}<tr><td dir="ltr">{{id}} · {{connection}}</td><td dir="ltr">{{type}}</td><td dir="ltr">{{error}}</td>
        <td><form method="post" action="/{{lang}}/projects/{{project.name}}/events/{{id}}/replay"><button type="submit" aria-label="{{t.replay}} {{id}}">{{t.replay}}</button></form></td></tr>{{/dead}}
        {{#hasDead}}</tbody></table>{{/hasDead}}
        </section>
        {{/main}}
        {{/layout}}
        """
}
