import Foundation
import SheenModel
import SheenSecrets

/// Why a connection could not be made, shown, rotated or used, in English and Arabic, each with the fix. Messages name
/// fields, variables and files, never a credential's value.
public enum ConnectionError: Error, Sendable, Equatable {
    case unknownProvider(String, known: [String])
    case invalidAlias(String)
    case unknownField(provider: String, field: String, suggestion: String?, known: [String])
    case missingFields(provider: String, fields: [ProviderManifest.CredentialField])
    case secretOnCommandLine(field: String)
    case emptyValue(field: String)
    case variableUnset(field: String, variable: String)
    case unreadableFile(field: String, path: String, reason: String)
    case noTerminal(field: String)
    case patternMismatch(
        field: String, environment: DeploymentEnvironment, pattern: String, looksLike: DeploymentEnvironment?,
        hint: LocalizedText?)
    case marketNotServed(provider: String, market: CountryCode)
    case baseURLOnRealConnection
    case baseURLNotLoopback(String)
    case exists(reference: String, environment: DeploymentEnvironment, sandbox: Bool)
    case notFound(reference: String, environment: DeploymentEnvironment?, known: [String])
    case ambiguous(reference: String, environments: [DeploymentEnvironment])
    case nothingToRotate(reference: String)
    case verificationFailed(reference: String, reason: LocalizedText)
    case secrets(SecretError)
    case store(String)
    case tokenFailed(reference: String, reason: LocalizedText, fix: String)
    /// The token endpoint was busy, failing or unreachable: the credentials may be fine, so try again later.
    case tokenUnavailable(reference: String, reason: LocalizedText)
    case notAuthorizable(String)
    case noWebhooks(String)
    case noWebhookToken(reference: String, field: String)
    case noPublicURL

    public var message: LocalizedText {
        switch self {
        case .unknownProvider(let id, let known):
            t(
                "unknown provider '\(id)'" + (known.isEmpty ? "" : "; known: \(known.joined(separator: ", "))"),
                "مزوّد غير معروف '\(id)'" + (known.isEmpty ? "" : "؛ المعروف: \(known.joined(separator: "، "))"))
        case .invalidAlias(let alias):
            t(
                "alias '\(alias)' must be lowercase letters, digits and '-', starting with a letter (at most 40)",
                "الاسم المستعار '\(alias)' يجب أن يتكون من أحرف صغيرة وأرقام و'-' ويبدأ بحرف (40 حرفًا كحد أقصى)")
        case .unknownField(let provider, let field, _, _):
            t("\(provider) has no credential field '\(field)'", "لا يوجد لدى \(provider) حقل اعتماد باسم '\(field)'")
        case .missingFields(let provider, let fields):
            t(
                "\(provider) needs " + fields.map { "\($0.name) (\($0.label.en))" }.joined(separator: ", "),
                "يحتاج \(provider) إلى " + fields.map { "\($0.name) (\($0.label.ar))" }.joined(separator: "، "))
        case .secretOnCommandLine(let field):
            t(
                "'\(field)' is secret and was given on the command line, where it would stay in your shell history",
                "'\(field)' حقل سري أُعطي في سطر الأوامر، حيث سيبقى في سجل الطرفية")
        case .emptyValue(let field):
            t("'\(field)' is empty", "'\(field)' فارغ")
        case .variableUnset(let field, let variable):
            t(
                "'\(field)' reads $\(variable), which is not set", "'\(field)' يُقرأ من $\(variable) غير المعرّف")
        case .unreadableFile(let field, let path, let reason):
            t("'\(field)': cannot read '\(path)': \(reason)", "'\(field)': تعذرت قراءة '\(path)': \(reason)")
        case .noTerminal(let field):
            t(
                "'\(field)' was not given, and there is no terminal to ask for it",
                "لم يُعطَ '\(field)' ولا توجد طرفية للسؤال عنه")
        case .patternMismatch(let field, let environment, let pattern, let looksLike, _):
            if let looksLike {
                t(
                    "'\(field)' looks like a \(looksLike.rawValue) key, but this connection is for \(environment.rawValue) (expected \(pattern))",
                    "يبدو '\(field)' مفتاحًا لبيئة \(looksLike.rawValue)، لكن هذا الاتصال لبيئة \(environment.rawValue) (المتوقع \(pattern))"
                )
            } else {
                t(
                    "'\(field)' does not look like a \(environment.rawValue) value (expected \(pattern))",
                    "لا يبدو '\(field)' قيمة لبيئة \(environment.rawValue) (المتوقع \(pattern))")
            }
        case .marketNotServed(let provider, let market):
            t("\(provider) does not serve \(market)", "لا يخدم \(provider) السوق \(market)")
        case .baseURLOnRealConnection:
            t(
                "only a sandbox connection may override the provider's base URL: real keys go only to the manifest's hosts",
                "لا يغيّر عنوان المزوّد الأساسي إلا اتصال تجريبي: المفاتيح الحقيقية تُرسل فقط إلى مضيفي البيان")
        case .baseURLNotLoopback(let url):
            t(
                "a sandbox base URL must be on loopback (127.0.0.1, ::1 or localhost), not '\(url)'",
                "يجب أن يكون العنوان الأساسي التجريبي على الجهاز المحلي (127.0.0.1 أو ::1 أو localhost)، وليس '\(url)'")
        case .exists(let reference, let environment, let sandbox):
            t(
                "\(reference) already exists for \(environment.rawValue)" + (sandbox ? " (a sandbox connection)" : ""),
                "الاتصال \(reference) موجود مسبقًا لبيئة \(environment.rawValue)" + (sandbox ? " (اتصال تجريبي)" : ""))
        case .notFound(let reference, let environment, let known):
            t(
                "no connection \(reference)" + (environment.map { " for \($0.rawValue)" } ?? "")
                    + (known.isEmpty ? "" : "; there are: \(known.joined(separator: ", "))"),
                "لا يوجد اتصال \(reference)" + (environment.map { " لبيئة \($0.rawValue)" } ?? "")
                    + (known.isEmpty ? "" : "؛ الموجود: \(known.joined(separator: "، "))"))
        case .ambiguous(let reference, let environments):
            t(
                "\(reference) exists for \(environments.map(\.rawValue).joined(separator: ", "))",
                "الاتصال \(reference) موجود لبيئات \(environments.map(\.rawValue).joined(separator: "، "))")
        case .nothingToRotate(let reference):
            t("no --field was given to rotate on \(reference)", "لم يُعطَ أي ‎--field لتدويره في \(reference)")
        case .verificationFailed(let reference, let reason):
            t(
                "the new credentials for \(reference) did not verify: \(reason.en); the old ones are kept",
                "لم تنجح بيانات الاعتماد الجديدة لـ \(reference) في التحقق: \(reason.ar)؛ أُبقي على القديمة")
        case .secrets(let error):
            error.message
        case .store(let reason):
            t("the connection store failed: \(reason)", "فشل مخزن الاتصالات: \(reason)")
        case .tokenFailed(let reference, let reason, _):
            t(
                "\(reference) could not get an access token: \(reason.en)",
                "تعذر على \(reference) الحصول على رمز وصول: \(reason.ar)")
        case .tokenUnavailable(let reference, let reason):
            t(
                "\(reference) could not get an access token for now: \(reason.en)",
                "تعذر على \(reference) الحصول على رمز وصول حاليًا: \(reason.ar)")
        case .notAuthorizable(let provider):
            t(
                "\(provider) does not use a browser authorization (its manifest declares no authorization-code grant)",
                "لا يستخدم \(provider) التفويض عبر المتصفح (لا يعرّف بيانه منحة رمز التفويض)")
        case .noWebhooks(let provider):
            t("\(provider) sends no webhooks Sheen receives", "لا يرسل \(provider) إشعارات يستقبلها شين")
        case .noWebhookToken(let reference, let field):
            t(
                "\(reference) has no \(field), the secret its webhook URL carries",
                "لا يملك \(reference) الحقل \(field)، وهو السر الذي يحمله عنوان إشعاراته")
        case .noPublicURL:
            t(
                "no public URL: set webhooks.public_url in sheen.yaml or pass --public-url",
                "لا عنوان عام: اضبط webhooks.public_url في sheen.yaml أو مرّر ‎--public-url")
        }
    }

    public var hint: LocalizedText? {
        switch self {
        case .unknownProvider:
            t("run 'sheen providers' to list them", "شغّل 'sheen providers' لعرضها")
        case .invalidAlias:
            t("for example --alias sa-entity", "مثل ‎--alias sa-entity")
        case .unknownField(_, _, let suggestion?, _):
            t("did you mean '\(suggestion)'?", "هل تقصد '\(suggestion)'؟")
        case .unknownField(_, _, nil, let known):
            t("its fields are \(known.joined(separator: ", "))", "حقوله هي \(known.joined(separator: "، "))")
        case .missingFields(_, let fields):
            LocalizedText(
                en: fields.map { "--field \($0.name)=…" + ($0.hint.map { " (\($0.en))" } ?? "") }.joined(
                    separator: "; "),
                ar: fields.map { "‎--field \($0.name)=…" + ($0.hint.map { " (\($0.ar))" } ?? "") }.joined(
                    separator: "؛ "))
        case .secretOnCommandLine(let field):
            t(
                "pass --field \(field)=@env:VAR, --field \(field)=@file:PATH or --field \(field)=- (stdin), or leave it out to be asked without echo",
                "استخدم ‎--field \(field)=@env:VAR أو ‎--field \(field)=@file:PATH أو ‎--field \(field)=- (الإدخال القياسي)، أو اتركه ليُسأل عنه دون إظهار"
            )
        case .emptyValue, .variableUnset, .unreadableFile:
            t("check the value's source and run the command again", "تحقق من مصدر القيمة وأعد تشغيل الأمر")
        case .noTerminal(let field):
            t(
                "pass --field \(field)=@env:VAR or --field \(field)=@file:PATH",
                "استخدم ‎--field \(field)=@env:VAR أو ‎--field \(field)=@file:PATH")
        case .patternMismatch(_, _, _, _, let hint):
            hint
        case .marketNotServed:
            t("run 'sheen providers show' to see its markets", "شغّل 'sheen providers show' لعرض أسواقه")
        case .baseURLOnRealConnection:
            t("add --sandbox for a simulator connection", "أضف ‎--sandbox لاتصال بالمحاكي")
        case .baseURLNotLoopback:
            t(
                "point it at 'sheen sandbox serve', e.g. http://127.0.0.1:4010",
                "وجّهه إلى 'sheen sandbox serve'، مثل http://127.0.0.1:4010")
        case .exists(let reference, _, _):
            t(
                "to replace its credentials run 'sheen connections rotate \(reference.replacingOccurrences(of: "/", with: " --alias "))', or remove it first",
                "لاستبدال بيانات اعتماده شغّل 'sheen connections rotate \(reference.replacingOccurrences(of: "/", with: " --alias "))'، أو احذفه أولًا"
            )
        case .notFound:
            t("run 'sheen connections list' to see them", "شغّل 'sheen connections list' لعرضها")
        case .ambiguous:
            t("pass --env to pick one", "حدّد ‎--env لاختيار واحد")
        case .nothingToRotate:
            t("pass the new values as --field NAME=@env:VAR", "مرّر القيم الجديدة بصيغة ‎--field NAME=@env:VAR")
        case .verificationFailed:
            t("check the new values, then rotate again", "تحقق من القيم الجديدة ثم أعد التدوير")
        case .secrets, .store, .notAuthorizable, .noWebhooks:
            nil
        case .noWebhookToken(let reference, let field):
            t(
                "make one: sheen connections rotate \(reference.replacingOccurrences(of: "/", with: " --alias ")) --field \(field)=@env:VAR (32 random bytes, e.g. from 'openssl rand -hex 32')",
                "أنشئه: sheen connections rotate \(reference.replacingOccurrences(of: "/", with: " --alias ")) --field \(field)=@env:VAR (32 بايت عشوائية، مثل 'openssl rand -hex 32')"
            )
        case .noPublicURL:
            t(
                "it is the https address that reaches 'sheen serve', e.g. webhooks: { public_url: https://hooks.example.sa }",
                "هو عنوان https الذي يصل إلى 'sheen serve'، مثل webhooks: { public_url: https://hooks.example.sa }")
        case .tokenFailed(_, _, let fix):
            t(fix, fix)
        case .tokenUnavailable:
            t(
                "the provider's token endpoint is busy or down; Sheen retries, or run the command again later",
                "نقطة الرموز لدى المزوّد مشغولة أو معطلة؛ يعيد شين المحاولة، أو أعد تشغيل الأمر لاحقًا")
        }
    }

    private func t(_ en: String, _ ar: String) -> LocalizedText { LocalizedText(en: en, ar: ar) }
}
