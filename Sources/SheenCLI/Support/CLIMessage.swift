import SheenModel
import SheenSimulator

/// Every sentence the command line prints of its own, in English and Arabic, one case per message.
///
/// Kept in one table (as `CatalogProblem` keeps the catalog's) so the two languages stay in step and a reviewer sees
/// all of the wording at once; call sites name the message, never the words.
enum CLIMessage {
    // Usage
    case dagWithRecipeOrProject
    case recipeAndProject
    case marketWithoutRecipe
    case planWithInputs
    case parallelismRange
    case stepTimeoutRange
    case notATerminal
    case noSuchFile(String)
    case noSuchPath(String)
    case projectFileHasErrors(String)
    case noProjectFile(String)
    case invalidProjectName(String)
    case fileExists(String)
    case cannotWrite(path: String, reason: String)
    case cannotOpenState(path: String, reason: String)
    case cannotOpenStore(location: String, reason: String)
    case badStoreURL(String)
    case catalogHasErrors(String)
    case stepInSeveralScopes(step: String, scopes: String)

    // Outcomes
    case wroteProject(file: String, recipe: LocalizedText, id: String)
    case nothingRecordedNoFile(String)
    case nothingRecordedForScope(String)
    case nothingRecordedIn(String)
    case nothingToDestroy(String)
    case noChanges
    case queuedRun(id: Int64, steps: Int, scope: String)
    case runFinished(id: Int64, succeeded: Bool, done: Int, failed: Int, skipped: Int)
    case followWithoutEnqueue
    case workerTimings
    case workerNeedsPostgres
    case workerStarted(name: String, concurrency: Int, store: String)
    case workerStopped(done: Int, failed: Int)
    case cancelled
    case applying(toRun: Int, total: Int)
    case foundDoneAtProvider
    case skippedBecause(step: String, cause: String)
    case retryIn(attempt: Int, wait: String)
    case status(done: Int, total: Int, running: String, waiting: Int, elapsed: String)
    case summary(succeeded: Int, failed: Int, skipped: Int, unchanged: Int, calls: Int, elapsed: String)
    case summaryReconciled(Int)
    case summaryInterrupted
    case confirmDestroy(count: Int, scope: String)
    case confirmApply(scope: String)
    case inFlightNotice(Int)

    // Connections and keys
    case badField(String)
    case connected(String, env: String)
    case removedConnection(String, env: String)
    case rotatedConnection(String)
    case noConnections(String)
    case connectionsHeader
    case connectionLabels
    case keysHeader
    case rewrapped(Int)
    case rotatedKeys(key: String, count: Int, new: Bool)
    case retiredKey(String)
    case gitignored(String)
    case wroteFile(String)
    case openToAuthorize(String)
    case providerOrScheme
    case cannotListen(host: String, port: Int)
    case listening(host: String, port: Int, project: String)
    case serving(host: String, port: Int)
    case stopped
    case noEvent(Int64)
    case noEvents
    case idOrDead
    case replayed(Int)
    case dedupWindow
    case urlIsSecret
    case badFaultPlan(String)
    case sandboxFailed(Sandbox.StartError)
    case sandboxRunning
    case sandboxConnected(String, String)
    case sandboxKept(String, sandbox: Bool)
    case sandboxDashboard(String, set: Bool)
    case purged(bodies: Int, rows: Int)
    case secretNotLiteral
    case secretUnavailable(String)
    case noWebhooks(String)
    case genuine(String)
    case notGenuine(String, String)
    case authorized(String)

    // Checklist
    case checklistEmpty
    case checklistReady(Int)
    case checklistNotReady(Int, Int)
    case attested(String, String)
    case watchTimedOut(Int)
    case intervalRange
    case checklistTally(Int, Int)
    case badPort(Int)
    case unknownCheck(String, String?, [String])
    case upNeedsRecipe
    case upSimulators(Int)
    case upConnected(Int)
    case upStandIns(String, Int, Int)
    case upChecklist(Int, Int, String)
    case upProvidersHeader
    case upCreated(Int, Int, Int)
    case upNothingChanged
    case upElapsed(String)
    case upNextForProduction(String)
    case badDNSServer(String)

    // Prefixes of printed problems
    case errorPrefix, hintPrefix

    // Nouns used inside other messages
    case kindMarket, kindCurrency, kindCapability, kindRecipe, kindProvider, kindStep

    var text: LocalizedText {
        switch self {
        case .dagWithRecipeOrProject:
            t(
                "--dag cannot be combined with --recipe or --project",
                "لا يمكن الجمع بين ‎--dag و‎--recipe أو ‎--project")
        case .recipeAndProject:
            t("use either --recipe or --project, not both", "استخدم ‎--recipe أو ‎--project وليس كليهما")
        case .marketWithoutRecipe:
            t(
                "--market and --currency go with --recipe; a project file lists its own",
                "يُستخدم ‎--market و‎--currency مع ‎--recipe؛ ملف المشروع يحدد أسواقه")
        case .planWithInputs:
            t("--plan already says what to apply", "‎--plan يحدد ما سيُطبَّق")
        case .parallelismRange:
            t("--parallelism must be between 1 and 1000", "يجب أن تكون ‎--parallelism بين 1 و1000")
        case .stepTimeoutRange:
            t(
                "--step-timeout must be between 1 and 86400 seconds",
                "يجب أن تكون ‎--step-timeout بين 1 و86400 ثانية")
        case .notATerminal:
            t(
                "not at a terminal: pass --auto-approve to proceed without confirmation",
                "لست في طرفية: استخدم ‎--auto-approve للمتابعة دون تأكيد")
        case .noSuchFile(let path):
            t("no such file: '\(path)'", "لا يوجد ملف بهذا الاسم: '\(path)'")
        case .noSuchPath(let path):
            t("no such file or folder: '\(path)'", "لا يوجد ملف أو مجلد بهذا الاسم: '\(path)'")
        case .projectFileHasErrors(let path):
            t("'\(path)' has errors: run 'sheen validate \(path)'", "في '\(path)' أخطاء: شغّل 'sheen validate \(path)'")
        case .noProjectFile(let path):
            t(
                "no project file at '\(path)': run 'sheen init <recipe>', or pass --project FILE, --recipe R or --dag FILE",
                "لا يوجد ملف مشروع في '\(path)': شغّل 'sheen init <recipe>' أو استخدم ‎--project أو ‎--recipe أو ‎--dag")
        case .invalidProjectName(let name):
            t(
                "project name '\(name)' must be lowercase letters, digits and '-', starting with a letter",
                "اسم المشروع '\(name)' يجب أن يتكون من أحرف إنجليزية صغيرة وأرقام و'-' ويبدأ بحرف")
        case .fileExists(let path):
            t(
                "'\(path)' already exists; pass --force to overwrite it",
                "الملف '\(path)' موجود مسبقًا؛ استخدم ‎--force لاستبداله")
        case .cannotWrite(let path, let reason):
            t("cannot write '\(path)': \(reason)", "تعذرت كتابة '\(path)': \(reason)")
        case .cannotOpenState(let path, let reason):
            t("cannot open the state file '\(path)': \(reason)", "تعذر فتح ملف الحالة '\(path)': \(reason)")
        case .cannotOpenStore(let location, let reason):
            t(
                "cannot open the store at \(location): \(reason); check the server is up and the URL's user and database",
                "تعذر فتح مخزن الحالة في \(location): \(reason)؛ تحقق من أن الخادم يعمل ومن المستخدم وقاعدة البيانات في العنوان"
            )
        case .badStoreURL(let problem):
            t(
                "--store (or SHEEN_STORE) \(problem); write it as postgres://user:password@host:5432/database?sslmode=require, or give a file path",
                "قيمة ‎--store (أو SHEEN_STORE) \(problem)؛ اكتبها بالشكل postgres://user:password@host:5432/database?sslmode=require أو أعطِ مسار ملف"
            )
        case .catalogHasErrors(let directory):
            t(
                "the catalog at '\(directory)' has errors; run 'sheen validate' for details",
                "يحتوي الكتالوج في '\(directory)' على أخطاء؛ شغّل 'sheen validate' للتفاصيل")
        case .stepInSeveralScopes(let step, let scopes):
            t(
                "step '\(step)' is recorded in \(scopes): pass --project, --recipe or --dag (and --env) to pick one",
                "الخطوة '\(step)' مسجلة في \(scopes): حدّد ‎--project أو ‎--recipe أو ‎--dag (و‎--env) لاختيار واحدة")
        case .wroteProject(let file, let recipe, let id):
            t(
                "wrote \(file) for \(recipe.en) (\(id)); check it with 'sheen validate \(file)'",
                "تمت كتابة \(file) لوصفة \(recipe.ar) (\(id))؛ افحصه بالأمر 'sheen validate \(file)'")
        case .nothingRecordedNoFile(let path):
            t("nothing recorded: no state file at '\(path)'", "لا شيء مسجل: لا يوجد ملف حالة في '\(path)'")
        case .nothingRecordedForScope(let scope):
            t("nothing recorded for '\(scope)'", "لا شيء مسجل لـ '\(scope)'")
        case .nothingRecordedIn(let path):
            t("nothing recorded in '\(path)'", "لا شيء مسجل في '\(path)'")
        case .nothingToDestroy(let scope):
            t("nothing recorded for '\(scope)': nothing to destroy", "لا شيء مسجل لـ '\(scope)': لا شيء لإزالته")
        case .noChanges:
            t("no changes: nothing to do", "لا تغييرات: لا شيء للتنفيذ")
        case .queuedRun(let id, let steps, let scope):
            t(
                "queued run \(id): \(steps) steps of \(scope) for the workers (sheen worker --store …); follow it with --follow",
                "أُدرج التشغيل \(id) في الطابور: \(steps) خطوة من \(scope) للعمّال (sheen worker --store …)؛ تابعه بـ ‎--follow"
            )
        case .runFinished(let id, let succeeded, let done, let failed, let skipped):
            succeeded
                ? t("run \(id) succeeded: \(done) steps done", "نجح التشغيل \(id): اكتملت \(done) خطوة")
                : t(
                    "run \(id) failed: \(done) done, \(failed) failed, \(skipped) skipped; 'sheen apply' again retries what failed",
                    "فشل التشغيل \(id): اكتملت \(done) وفشلت \(failed) وتُخطيت \(skipped)؛ أعد 'sheen apply' لإعادة ما فشل"
                )
        case .workerTimings:
            t(
                "--lease must be at least 1 second and --heartbeat at most a third of it (defaults: 30 and 10)",
                "يجب ألا تقل ‎--lease عن ثانية واحدة وألا تزيد ‎--heartbeat عن ثلثها (الافتراضي: 30 و10)")
        case .workerNeedsPostgres:
            t(
                "a worker takes steps from a database other workers share: pass --store postgres://user@host:5432/db or set SHEEN_STORE",
                "يأخذ العامل الخطوات من قاعدة بيانات يتشاركها العمّال: مرّر ‎--store postgres://user@host:5432/db أو عيّن SHEEN_STORE"
            )
        case .followWithoutEnqueue:
            t("--follow follows a queued run: add --enqueue", "يتابع ‎--follow تشغيلًا في الطابور: أضف ‎--enqueue")
        case .workerStarted(let name, let concurrency, let store):
            t(
                "\(name): taking up to \(concurrency) steps at a time from \(store); Ctrl-C or SIGTERM stops it, giving its steps back",
                "\(name): يأخذ حتى \(concurrency) خطوات في آن واحد من \(store)؛ يوقفه Ctrl-C أو SIGTERM بعد إعادة خطواته"
            )
        case .workerStopped(let done, let failed):
            t("stopped: \(done) steps done, \(failed) failed", "توقف: اكتملت \(done) خطوة وفشلت \(failed)")
        case .cancelled:
            t("cancelled: nothing was changed", "أُلغي: لم يتغير شيء")
        case .applying(let toRun, let total):
            t("applying \(toRun) of \(total) steps and checks", "تنفيذ \(toRun) من \(total) من الخطوات والفحوص")
        case .foundDoneAtProvider:
            t(" (found done at the provider)", " (وُجدت منفذة لدى المزوّد)")
        case .skippedBecause(let step, let cause):
            t("- \(step): skipped, '\(cause)' failed", "- \(step): تم التخطي لفشل '\(cause)'")
        case .retryIn(let attempt, let wait):
            t("attempt \(attempt) in \(wait)", "محاولة \(attempt) بعد \(wait)")
        case .status(let done, let total, let running, let waiting, let elapsed):
            t(
                "\(done)/\(total) done · running: \(running) · waiting on retries or rate limits: \(waiting) · \(elapsed)",
                "\(done)/\(total) منجزة · قيد التنفيذ: \(running) · بانتظار إعادة أو حد معدل: \(waiting) · \(elapsed)")
        case .summary(let succeeded, let failed, let skipped, let unchanged, let calls, let elapsed):
            t(
                "\(succeeded) succeeded, \(failed) failed, \(skipped) skipped, \(unchanged) unchanged; \(calls) adapter calls in \(elapsed)",
                "\(succeeded) نجحت، \(failed) فشلت، \(skipped) تم تخطيها، \(unchanged) بلا تغيير؛ \(calls) استدعاء في \(elapsed)"
            )
        case .summaryReconciled(let count):
            t("; \(count) found already done and not repeated", "؛ \(count) وُجدت منفذة ولم تُكرر")
        case .summaryInterrupted:
            t(
                "\ninterrupted: the journal is consistent; run 'sheen resume' to finish",
                "\nتم الإيقاف: السجل متسق؛ شغّل 'sheen resume' للإكمال")
        case .confirmDestroy(let count, let scope):
            t(
                "delete the \(count) resources recorded for '\(scope)'?",
                "حذف \(count) من الموارد المسجلة لـ '\(scope)'؟")
        case .confirmApply(let scope):
            t("apply these changes to '\(scope)'?", "تطبيق هذه التغييرات على '\(scope)'؟")
        case .inFlightNotice(let count):
            t(
                "\(count) steps were left in flight by an interrupted run; they are checked at the provider before anything is sent again",
                "\(count) خطوة بقيت قيد التنفيذ من تشغيل منقطع؛ سيُتحقق منها لدى المزوّد قبل أي إرسال")
        case .badField(let item):
            t(
                "'\(item)' is not NAME=VALUE (values: text, @env:VAR, @file:PATH or -)",
                "'\(item)' ليس بصيغة NAME=VALUE (القيم: نص أو @env:VAR أو @file:PATH أو -)")
        case .connected(let reference, let env):
            t("connected \(reference) for \(env)", "تم ربط \(reference) لبيئة \(env)")
        case .removedConnection(let reference, let env):
            t(
                "removed \(reference) (\(env)) and its encrypted credentials",
                "حُذف \(reference) (\(env)) وبيانات اعتماده المشفرة")
        case .rotatedConnection(let reference):
            t(
                "rotated \(reference): the new credentials replaced the old",
                "تم تدوير \(reference): حلّت البيانات الجديدة محل القديمة")
        case .noConnections(let project):
            t(
                "no connections for '\(project)': add one with 'sheen connect PROVIDER --env dev --field …'",
                "لا توجد اتصالات لـ '\(project)': أضف واحدًا بالأمر 'sheen connect PROVIDER --env dev --field …'")
        case .connectionsHeader:
            t(
                "CONNECTION|ENV|MARKETS|KIND|SECRETS (fingerprint)|HEALTH",
                "الاتصال|البيئة|الأسواق|النوع|الأسرار (البصمة)|الحالة")
        case .connectionLabels:
            t("markets|account|base URL|fingerprint|set|pending", "الأسواق|الحساب|العنوان الأساسي|البصمة|عُيّن|معلّق")
        case .keysHeader:
            t("KEY|CURRENT|SECRETS|HELD", "المفتاح|الحالي|الأسرار|متوفر")
        case .rewrapped(let count):
            t("re-wrapped \(count)", "أعيد تغليف \(count)")
        case .rotatedKeys(let key, let count, let new):
            t(
                (new ? "new key \(key)" : "finished rotating to \(key)") + ": \(count) data keys re-wrapped",
                (new ? "مفتاح جديد \(key)" : "اكتمل التدوير إلى \(key)") + ": أعيد تغليف \(count) من مفاتيح البيانات")
        case .retiredKey(let id):
            t("retired \(id)", "أُوقف \(id)")
        case .cannotListen(let host, let port):
            t(
                "cannot listen on \(host):\(port) (in use, or not allowed)",
                "تعذر الاستماع على \(host):\(port) (مستخدم أو غير مسموح)")
        case .listening(let host, let port, let project):
            t(
                "receiving webhooks for '\(project)' on http://\(host):\(port)/v1/webhooks/{provider}/{connection}",
                "استقبال إشعارات '\(project)' على http://\(host):\(port)/v1/webhooks/{provider}/{connection}")
        case .serving(let host, let port):
            t(
                "launch API on http://\(host):\(port)/v1, dashboard on http://\(host):\(port)/en/ and /ar/",
                "واجهة الإطلاق على http://\(host):\(port)/v1 ولوحة التحكم على http://\(host):\(port)/ar/ و /en/")
        case .stopped:
            t("stopped: every acknowledged delivery is stored", "توقف: كل إشعار تم تأكيده مخزّن")
        case .noEvent(let id):
            t("no event #\(id)", "لا يوجد حدث رقم \(id)")
        case .noEvents:
            t("no events stored", "لا توجد أحداث مخزّنة")
        case .idOrDead:
            t("give an event id or --dead", "حدّد رقم الحدث أو ‎--dead")
        case .replayed(let count):
            t("queued \(count) events again", "أعيدت جدولة \(count) من الأحداث")
        case .badFaultPlan(let path):
            t(
                "'\(path)' is not a readable JSON fault plan (keys: rateLimited, serverErrors, holdAfterCommitMilliseconds, holdPathPrefix, latencyMilliseconds, errorRate, seed, duplicateWebhooks)",
                "'\(path)' ليس خطة أعطال JSON مقروءة")
        case .sandboxFailed(.unknownProvider(let id, let known)):
            t(
                "no simulator for '\(id)'; simulated: \(known.joined(separator: ", "))",
                "لا يوجد محاكٍ لـ '\(id)'؛ المحاكاة متاحة لـ: \(known.joined(separator: "، "))")
        case .sandboxFailed(.cannotListen(let provider, let port)):
            t(
                "the \(provider) simulator cannot listen on 127.0.0.1:\(port); pick another --port-base (0 picks free ports)",
                "تعذر على محاكي \(provider) الاستماع على 127.0.0.1:\(port)؛ اختر ‎--port-base آخر")
        case .sandboxFailed(.unreadableState(let provider, let file)):
            t(
                "the \(provider) simulator's state file '\(file)' cannot be read; move it away to start afresh",
                "تعذرت قراءة ملف حالة محاكي \(provider) '\(file)'؛ انقله لتبدأ من جديد")
        case .sandboxRunning:
            t(
                "simulators running; connect a project with 'sheen sandbox connect'; Ctrl-C stops them",
                "المحاكيات تعمل؛ اربط مشروعًا بـ 'sheen sandbox connect'؛ ‏Ctrl-C يوقفها")
        case .sandboxConnected(let reference, let url):
            t("connected \(reference) (sandbox) → \(url)", "رُبط \(reference) (بيئة المحاكاة) ← \(url)")
        case .sandboxDashboard(let reference, let set):
            set
                ? t(
                    "set \(reference)'s notification URL on its simulator (as in the provider's dashboard)",
                    "ضُبط عنوان إشعارات \(reference) في محاكيه (كما في لوحة المزوّد)")
                : t(
                    "could not set \(reference)'s notification URL: start 'sheen sandbox serve', then run 'sheen sandbox connect' again",
                    "تعذّر ضبط عنوان إشعارات \(reference): شغّل 'sheen sandbox serve' ثم أعد 'sheen sandbox connect'")
        case .sandboxKept(let reference, let sandbox):
            t(
                "kept \(reference): it already exists\(sandbox ? " (sandbox)" : "; remove it first to use the simulator")",
                "أُبقي \(reference): موجود مسبقًا\(sandbox ? " (بيئة المحاكاة)" : "؛ احذفه أولًا لاستخدام المحاكي")")
        case .urlIsSecret:
            t(
                "this URL carries the connection's secret token: paste it into the provider's dashboard only",
                "يحمل هذا العنوان الرمز السري للاتصال: الصقه في لوحة المزوّد فقط")
        case .dedupWindow:
            t(
                "--row-hours must be at least 76: providers redeliver for up to three days",
                "يجب ألا تقل ‎--row-hours عن 76: يعيد المزوّدون الإرسال حتى ثلاثة أيام")
        case .purged(let bodies, let rows):
            t("purged \(bodies) bodies and \(rows) rows", "حُذف \(bodies) من الأجسام و\(rows) من الصفوف")
        case .providerOrScheme:
            t("give either --provider or --scheme", "حدّد ‎--provider أو ‎--scheme")
        case .secretNotLiteral:
            t(
                "--secret must be @env:VAR, @file:PATH or - (a secret on the command line stays in your shell history)",
                "يجب أن يكون ‎--secret بصيغة @env:VAR أو @file:PATH أو - (السر في سطر الأوامر يبقى في سجل الطرفية)")
        case .secretUnavailable(let source):
            t("cannot read the secret from \(source)", "تعذرت قراءة السر من \(source)")
        case .noWebhooks(let provider):
            t("\(provider) declares no webhooks; pass --scheme", "لا يعرّف \(provider) إشعارات؛ حدّد ‎--scheme")
        case .genuine(let scheme):
            t("genuine (\(scheme))", "أصلي (\(scheme))")
        case .notGenuine(let scheme, let reason):
            t("not genuine (\(scheme)): \(reason)", "غير أصلي (\(scheme)): \(reason)")
        case .openToAuthorize(let url):
            t(
                "open this address in a browser to authorize Sheen:\n\(url)",
                "افتح هذا العنوان في المتصفح لتفويض شين:\n\(url)")
        case .authorized(let reference):
            t("authorized \(reference); its tokens are stored encrypted", "تم تفويض \(reference)؛ رموزه مخزّنة مشفرة")
        case .wroteFile(let path):
            t("wrote \(path)", "تمت كتابة \(path)")
        case .gitignored(let entry):
            t("added \(entry) to .gitignore", "أُضيف \(entry) إلى ‎.gitignore")
        case .checklistEmpty:
            t("no checklist item applies to this project", "لا ينطبق أي بند من قائمة التفعيل على هذا المشروع")
        case .checklistReady(let total):
            t("ready: all \(total) items are green", "جاهز: كل البنود (\(total)) خضراء")
        case .checklistNotReady(let green, let total):
            t("not ready: \(green) of \(total) items are green", "غير جاهز: \(green) من \(total) بنود خضراء")
        case .attested(let item, let by):
            t("recorded \(by)'s attestation for \(item)", "سُجّلت شهادة \(by) على \(item)")
        case .upNeedsRecipe:
            t(
                "sheen up launches a recipe: name one, or run it where sheen.yaml is",
                "يطلق sheen up وصفة: سمِّ واحدة أو شغّله حيث يوجد sheen.yaml")
        case .upSimulators(let count):
            t("▸ \(count) provider simulators on loopback", "▸ \(count) محاكيًا للمزوّدين على الجهاز المحلي")
        case .upConnected(let count):
            t("▸ \(count) sandbox connections with test keys", "▸ \(count) اتصالًا تجريبيًا بمفاتيح اختبار")
        case .upStandIns(let domain, let site, let dns):
            t(
                "▸ \(domain): DNS on 127.0.0.1:\(dns), HTTPS on 127.0.0.1:\(site) (sandbox CA), a starter Arabic page",
                "▸ \(domain): ‏DNS على 127.0.0.1:\(dns)، و‏HTTPS على 127.0.0.1:\(site) (جهة شهادات تجريبية)، وصفحة عربية أولية"
            )
        case .upChecklist(let green, let total, let marks):
            t("▸ checklist \(green)/\(total) green  \(marks)", "▸ قائمة التفعيل: \(green)/\(total) خضراء  \(marks)")
        case .upProvidersHeader:
            t("Providers chosen, and why:", "المزوّدون المختارون وسبب اختيارهم:")
        case .upCreated(let succeeded, let reconciled, let calls):
            t(
                "Applied: \(succeeded) steps done (\(reconciled) found already done at the provider), \(calls) provider calls.",
                "تم التطبيق: \(succeeded) خطوة (\(reconciled) وُجدت منفّذة لدى المزوّد)، و\(calls) طلبًا للمزوّدين.")
        case .upNothingChanged:
            t("Nothing to change: every step is already done.", "لا شيء للتغيير: كل الخطوات منفّذة.")
        case .upElapsed(let seconds):
            t("Done in \(seconds) s.", "انتهى في \(seconds) ث.")
        case .upNextForProduction(let providers):
            t(
                "For production: set `domain:` in sheen.yaml (sheen init), connect each provider for prod (sheen connect PROVIDER --env prod) — \(providers) — then run `sheen up --env prod`, and `sheen checklist` in CI.",
                "للإنتاج: حدّد `domain:` في sheen.yaml ‏(sheen init)، واربط كل مزوّد لبيئة الإنتاج (sheen connect PROVIDER --env prod) — \(providers) — ثم شغّل `sheen up --env prod`، و`sheen checklist` في CI."
            )
        case .unknownCheck(let id, let suggestion, let known):
            t(
                "no preflight check '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                    + " (checks: \(known.joined(separator: ", ")))",
                "لا يوجد فحص '\(id)'" + (suggestion.map { "؛ هل تقصد '\($0)'؟" } ?? "")
                    + " (الفحوص: \(known.joined(separator: "، ")))")
        case .badPort(let port):
            t("--https-port \(port) is not a port (1 to 65535)", "‎--https-port \(port) ليس منفذًا (من 1 إلى 65535)")
        case .checklistTally(let green, let total):
            t(
                "checklist: \(green) of \(total) items green (`sheen checklist` says what blocks the rest)",
                "قائمة التفعيل: \(green) من \(total) بنود خضراء (يبيّن `sheen checklist` ما يعيق الباقي)")
        case .intervalRange:
            t("--interval must be between 1 and 3600 seconds", "يجب أن تكون ‎--interval بين 1 و3600 ثانية")
        case .badDNSServer(let text):
            t(
                "--dns-server '\(text)' is not an IP address with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53)",
                "‎--dns-server '\(text)' ليس عنوان IP مع منفذ اختياري (1.1.1.1 أو 127.0.0.1:5353 أو [::1]:53)")
        case .watchTimedOut(let seconds):
            t("still not ready after \(seconds) s", "ما زال غير جاهز بعد \(seconds) ث")
        case .errorPrefix: t("error: ", "خطأ: ")
        case .hintPrefix: t("hint: ", "تلميح: ")
        case .kindMarket: t("market", "سوق")
        case .kindCurrency: t("currency", "عملة")
        case .kindCapability: t("capability", "قدرة")
        case .kindRecipe: t("recipe", "وصفة")
        case .kindProvider: t("provider", "مزوّد")
        case .kindStep: t("step", "خطوة")
        }
    }

    func callAsFunction(_ language: Language) -> String { text(language) }

    private func t(_ en: String, _ ar: String) -> LocalizedText { LocalizedText(en: en, ar: ar) }
}
