import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import SheenApplication
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner
import SheenWebhooks

/// The dashboard: server-rendered pages in Arabic (`/ar/`, right to left) and English (`/en/`) over the same use
/// cases and token checks as the API. Pick a recipe and markets, see the plan with its reasons and costs, connect
/// providers through forms made from each manifest's credential fields, launch in the sandbox or for real, watch the
/// checklist turn green live, see each connection's health and replay dead letters.
///
/// The token lives in an HttpOnly, SameSite=Strict cookie; every form is a plain POST from this origin.
public struct Dashboard: Sendable {
    public let api: ConsoleAPI
    let library: MustacheLibrary
    /// The Arabic web font, read once from the machine's fonts (Amiri from Debian's fonts-hosny-amiri).
    let font: Data?

    public init(api: ConsoleAPI, fontPath: String? = nil) {
        self.api = api
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", DashboardTemplates.layout), ("login", DashboardTemplates.login),
            ("projects", DashboardTemplates.projects), ("project", DashboardTemplates.project),
        ] {
            // The templates are part of the binary and covered by tests: one that does not parse is a build defect.
            guard let template = try? MustacheTemplate(string: text) else { preconditionFailure("template \(name)") }
            library.register(template, named: name)
        }
        self.library = library
        font = SandboxSite.arabicFont(named: fontPath).flatMap { FileManager.default.contents(atPath: $0) }
    }

    public func register(on router: Router<BasicRequestContext>) {
        let dashboard = self
        router.get("/") { request, _ -> Response in
            // Arabic first when the browser asks for it at all.
            let accept = request.headers[.acceptLanguage]?.lowercased() ?? ""
            return Self.redirect(accept.contains("ar") ? "/ar/" : "/en/")
        }
        router.get("/assets/dashboard.css") { _, _ in
            Self.asset(Data(DashboardAssets.css.utf8), type: "text/css; charset=utf-8")
        }
        router.get("/assets/dashboard.js") { _, _ in
            Self.asset(Data(DashboardAssets.script.utf8), type: "text/javascript; charset=utf-8")
        }
        router.get("/assets/arabic.ttf") { _, _ -> Response in
            guard let font = dashboard.font else { return Response(status: .notFound) }
            return Self.asset(font, type: "font/ttf")
        }
        for language in Language.allCases {
            let base = "/\(language.rawValue)"
            router.get("\(base)/login") { _, _ in dashboard.page("login", language: language, [:]) }
            router.post("\(base)/login") { request, _ in await dashboard.login(request, language: language) }
            router.post("\(base)/logout") { _, _ in
                var response = Self.redirect("\(base)/login")
                response.headers[.setCookie] =
                    "\(ConsoleAPI.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                return response
            }
            router.get("\(base)/") { request, _ in
                await dashboard.signedIn(request, language: language) { token in
                    try await dashboard.projectsPage(token, language: language, request: request)
                }
            }
            router.post("\(base)/projects") { request, _ in
                await dashboard.signedIn(request, language: language, scope: .write) { token in
                    try await dashboard.createProject(request, token: token, language: language)
                }
            }
            router.get("\(base)/projects/{project}") { request, context in
                await dashboard.signedIn(request, language: language, project: context.parameters.get("project")) {
                    token in
                    try await dashboard.projectPage(
                        context.parameters.get("project") ?? "", token: token, language: language, request: request)
                }
            }
            router.post("\(base)/projects/{project}/launches") { request, context in
                let project = context.parameters.get("project") ?? ""
                return await dashboard.signedIn(request, language: language, scope: .write, project: project) {
                    token in
                    try await dashboard.launch(project, request: request, token: token, language: language)
                }
            }
            router.post("\(base)/projects/{project}/connections") { request, context in
                let project = context.parameters.get("project") ?? ""
                return await dashboard.signedIn(request, language: language, scope: .write, project: project) {
                    token in
                    try await dashboard.connect(project, request: request, token: token, language: language)
                }
            }
            router.post("\(base)/projects/{project}/events/{event}/replay") { request, context in
                let project = context.parameters.get("project") ?? ""
                let event = Int64(context.parameters.get("event") ?? "") ?? 0
                return await dashboard.signedIn(request, language: language, scope: .write, project: project) {
                    token in
                    guard let (stored, _) = try await api.events.event(event), stored.project == project else {
                        throw ConsoleError.noEvent(event)
                    }
                    _ = try await api.events.replay(event)
                    try await api.audit.record(
                        .eventReplay, by: token.actor, project: project, target: "event \(event)")
                    return Self.redirect("\(base)/projects/\(project)?notice=replayed")
                }
            }
        }
    }

    // MARK: Sign-in

    /// Runs `body` for a signed-in token that fits `scope` and `project`; anyone else goes to the sign-in page, and
    /// a refusal is shown on the page in the reader's language.
    func signedIn(
        _ request: Request, language: Language, scope: AccessToken.Scope = .read, project: String? = nil,
        _ body: (AccessToken) async throws -> Response
    ) async -> Response {
        let token: AccessToken
        do {
            token = try await api.authenticate(request)
        } catch {
            return Self.redirect("/\(language.rawValue)/login")
        }
        do {
            guard token.scopes.contains(scope) else { throw APIFailure.missingScope(scope) }
            if let project, !token.allows(project: project) { throw APIFailure.forbiddenProject(project) }
            return try await body(token)
        } catch {
            let message = Self.message(of: error)(language)
            let status: HTTPResponse.Status = (error as? ConsoleError).map(APIResponse.status(of:)) ?? .forbidden
            return page("projects", language: language, ["problem": message, "signedIn": true], status: status)
        }
    }

    func login(_ request: Request, language: Language) async -> Response {
        let form = await Self.form(request)
        guard let secret = form["token"]?.first?.trimmingCharacters(in: .whitespacesAndNewlines),
            (try? await api.tokens.authenticate(secret)) != nil
        else {
            return page(
                "login", language: language, ["problem": DashboardText.strings["badToken"]?(language) ?? ""],
                status: .unauthorized)
        }
        var response = Self.redirect("/\(language.rawValue)/")
        response.headers[.setCookie] =
            "\(ConsoleAPI.cookieName)=\(secret); Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"
        return response
    }

    // MARK: Pages

    func projectsPage(
        _ token: AccessToken, language: Language, request: Request, form: [String: String] = [:],
        problem: String? = nil
    ) async throws -> Response {
        let visible = try await api.projects.list().filter { token.allows(project: $0.spec.name) }
        let catalog = api.projects.catalog
        let chosenRecipe = form["recipe"] ?? "arabic-ecommerce"
        var markets = Set<String>()
        for recipe in catalog.sortedRecipes { markets.formUnion(recipe.markets.map(\.rawValue)) }
        let checked = Set((form["markets"] ?? "").split(separator: ",").map(String.init))
        var values: [String: Any] = [
            "signedIn": true,
            "projects": visible.map { details -> [String: Any] in
                [
                    "name": details.spec.name, "recipeName": details.recipe.name(language),
                    "markets": details.markets.map(\.rawValue).joined(separator: ", "),
                ]
            },
            "recipes": catalog.sortedRecipes.map { recipe -> [String: Any] in
                ["id": recipe.id, "name": recipe.name(language), "selected": recipe.id == chosenRecipe]
            },
            "markets": markets.sorted().map { code -> [String: Any] in
                ["code": code, "label": Self.countryName(code, language: language), "checked": checked.contains(code)]
            },
            "form": form,
        ]
        values["hasProjects"] = !visible.isEmpty
        if let problem { values["problem"] = problem }
        return page("projects", language: language, values, status: problem == nil ? .ok : .unprocessableContent)
    }

    func createProject(_ request: Request, token: AccessToken, language: Language) async throws -> Response {
        let form = await Self.form(request)
        let name = form["name"]?.first ?? ""
        let spec = ProjectSpec(
            name: name, recipe: form["recipe"]?.first ?? "", markets: form["markets"] ?? [],
            domain: form["domain"]?.first.flatMap { $0.isEmpty ? nil : $0 },
            webhookPublicURL: form["webhook_public_url"]?.first.flatMap { $0.isEmpty ? nil : $0 })
        let echo = [
            "name": name, "recipe": spec.recipe, "markets": spec.markets.joined(separator: ","),
            "domain": spec.domain ?? "", "webhook_public_url": spec.webhookPublicURL ?? "",
        ]
        guard token.allows(project: name) else {
            return try await projectsPage(
                token, language: language, request: request, form: echo,
                problem: Self.message(of: APIFailure.forbiddenProject(name))(language))
        }
        do {
            let created = try await api.projects.create(spec)
            return Self.redirect("/\(language.rawValue)/projects/\(created.spec.name)")
        } catch {
            return try await projectsPage(
                token, language: language, request: request, form: echo,
                problem: Self.message(of: error)(language))
        }
    }

    func projectPage(
        _ name: String, token: AccessToken, language: Language, request: Request, problem: String? = nil
    ) async throws -> Response {
        let details = try await api.projects.project(name)
        let planRequest = try await api.projects.request(name, environment: .dev)
        var values: [String: Any] = [
            "signedIn": true,
            "project": [
                "name": name, "markets": details.markets.map(\.rawValue).joined(separator: ", "),
            ],
            "recipeName": details.recipe.name(language),
            // A fresh key per rendering: submitting the same page twice starts one launch.
            "launchKey": UUID().uuidString,
        ]
        if let notice = request.uri.queryParameters.get("notice"), let text = DashboardText.strings[notice] {
            values["notice"] = text(language)
        }
        do {
            let plan = try await api.apply.plan(.request(planRequest))
            values.merge(DashboardPlan(plan, catalog: api.projects.catalog, language: language).values) { $1 }
        } catch {
            values["planProblem"] = Self.message(of: error)(language)
        }
        let conditions = try await api.checklist.conditions(in: StoreScope(project: name, environment: .dev))
        let labels = ["True", "False", "Unknown"].reduce(into: [String: String]()) {
            $0[$1] = DashboardText.strings[$1]?(language)
        }
        values["statusLabels"] =
            (try? JSONSerialization.data(withJSONObject: labels)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        values["checklist"] = [
            "green": conditions.count(where: \.isGreen), "total": conditions.count,
            "ready": !conditions.isEmpty && conditions.allSatisfy(\.isGreen),
            "items": conditions.map { condition -> [String: Any] in
                [
                    "item": condition.item, "status": condition.status.rawValue,
                    "statusText": DashboardText.strings[condition.status.rawValue]?(language) ?? "",
                    "title": condition.title(language),
                ].merging(condition.isGreen ? [:] : ["message": condition.message(language)]) { $1 }
            },
        ]
        let launches = try await api.launches.store.launches(project: name, limit: 1)
        let shown = request.uri.queryParameters.get("launch").flatMap(Int64.init)
        if let launch = try await shown.asyncMap({ try await api.launches.launch($0, project: name) })
            ?? launches.first
        {
            values["progressLabels"] = DashboardText.progressLabels(language)
            values["launch"] = [
                "id": launch.id, "status": launch.status.rawValue,
                "statusText": DashboardText.strings[launch.status.rawValue]?(language) ?? launch.status.rawValue,
            ]
        }
        let health = try await ConnectionHealth.measure(
            project: name, connections: api.connections, state: api.apply.store, events: api.events,
            since: Date() - 86_400)
        values["connections"] = health.map { row -> [String: Any] in
            [
                "reference": row.reference, "environment": row.environment, "sandbox": row.sandbox,
                "errors": row.errors_24h,
                "healthText": (DashboardText.strings[row.healthy ? "healthy" : "unhealthy"]?(language) ?? "")
                    + (row.problem.map { ": " + $0(language) } ?? ""),
            ]
        }
        values["hasConnections"] = !health.isEmpty
        values["dead"] = try await api.events.events(project: name, provider: nil, status: .dead, limit: 50).map {
            event -> [String: Any] in
            [
                "id": event.id, "connection": event.connection, "type": event.event.type,
                "error": event.lastError ?? "",
            ]
        }
        values["hasDead"] = (values["dead"] as? [Any])?.isEmpty == false
        if let problem { values["problem"] = problem }
        return page("project", language: language, values, status: problem == nil ? .ok : .unprocessableContent)
    }

    func launch(
        _ project: String, request: Request, token: AccessToken, language: Language
    ) async throws -> Response {
        let form = await Self.form(request)
        let sandbox = form["mode"]?.first != "real"
        let key = form["key"]?.first
        let launch: LaunchRecord
        switch try await api.startLaunch(project, LaunchRequest(sandbox: sandbox), key: key, by: token.actor) {
        case .created(let created): launch = created
        case .replayed(let existing): launch = existing
        }
        return Self.redirect("/\(language.rawValue)/projects/\(project)?launch=\(launch.id)")
    }

    func connect(
        _ project: String, request: Request, token: AccessToken, language: Language
    ) async throws -> Response {
        let form = await Self.form(request)
        let provider = form["provider"]?.first ?? ""
        var values: [String: String] = [:]
        for (key, list) in form where key.hasPrefix("field.") {
            if let value = list.first, !value.isEmpty { values[String(key.dropFirst(6))] = value }
        }
        do {
            let details = try await api.connections.connect(
                ConnectRequest(project: project, provider: provider, environment: .dev), values: values)
            try await api.audit.record(
                .credentialWrite, by: token.actor, project: project, target: details.connection.reference)
            return Self.redirect("/\(language.rawValue)/projects/\(project)?notice=connected")
        } catch {
            // The page again, with what was wrong; never the values typed.
            return try await projectPage(
                project, token: token, language: language, request: request,
                problem: Self.message(of: error)(language))
        }
    }

    // MARK: Rendering

    func page(
        _ template: String, language: Language, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) -> Response {
        var context = values
        context["lang"] = language.rawValue
        context["dir"] = language == .ar ? "rtl" : "ltr"
        let other: Language = language == .ar ? .en : .ar
        context["otherLang"] = other.rawValue
        context["switchHref"] = "/\(other.rawValue)/"
        context["t"] = DashboardText.table(language)
        let html = library.render(context, withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // Nothing but this origin's own style sheet, script, font and API.
        headers[APIResponse.securityPolicyHeader] =
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        headers[APIResponse.noSniffHeader] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func asset(_ data: Data, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A urlencoded form, each name to its values in order (checkboxes repeat a name).
    static func form(_ request: Request) async -> [String: [String]] {
        guard let buffer = try? await request.body.collect(upTo: 64 * 1024) else { return [:] }
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
        var form: [String: [String]] = [:]
        for item in components.queryItems ?? [] { form[item.name, default: []].append(item.value ?? "") }
        return form
    }

    static func message(of error: any Error) -> LocalizedText {
        switch error {
        case let error as ConsoleError: error.message
        case let error as ConnectionError: error.message
        case let error as ApplicationError: error.message
        case let failure as APIFailure: failure.text
        default: LocalizedText(en: "something went wrong on the server", ar: "حدث خطأ في الخادم")
        }
    }

    static func countryName(_ code: String, language: Language) -> String {
        let locale = Locale(identifier: language.rawValue)
        return locale.localizedString(forRegionCode: code).map { "\($0) (\(code))" } ?? code
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
