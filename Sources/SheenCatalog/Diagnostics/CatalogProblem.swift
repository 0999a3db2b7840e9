import SheenModel

/// Every problem the catalog and project loaders can report, with its stable code and its English and Arabic
/// message and fix.
///
/// Keeping all wording here, one case per problem, keeps the two languages in step and gives golden tests one
/// place to pin.
public enum CatalogProblem: Sendable, Hashable {
    // MARK: Files and YAML
    case fileTooLarge(bytes: Int, limit: Int)
    case unreadableFile
    case notUTF8
    case yamlSyntax(problem: String)
    case emptyDocument
    case multipleDocuments
    case tooManyAliases(limit: Int)
    case documentExpandsTooFar
    case nestingTooDeep(limit: Int)
    case duplicateKey(String)
    case unknownFileKind

    // MARK: Shape
    case unknownKey(key: String, path: String, suggestion: String?)
    case missingKey(key: String, path: String)
    case wrongType(path: String, expected: String, found: String)
    case yamlBoolean(path: String, value: String)
    case invalidChoice(path: String, value: String, allowed: [String], suggestion: String?)
    case invalidIdentifier(path: String, value: String)
    case idDoesNotMatchFileName(id: String, fileName: String)
    case emptyList(path: String)
    case outOfRange(path: String, value: String, range: String)
    case missingTranslation(path: String, language: Language)
    case duplicateID(kind: String, id: String, firstAt: SourceLocation?)
    case duplicateEntry(path: String, value: String)

    // MARK: Codes
    case unknownMarket(String, suggestion: String?)
    case unknownCurrency(String, suggestion: String?)
    case unknownCapability(String, suggestion: String?)
    case currencyWithoutMinorUnits(String)

    // MARK: Provider facts
    case paymentMethodCurrencyOutsideProvider(method: String, currency: String, provider: String)
    case paymentMethodMarketOutsideProvider(method: String, market: String, provider: String)
    case localSchemeCurrency(method: String, required: [String], found: [String])
    case invalidPattern(path: String, reason: String)
    case invalidURL(path: String, value: String)
    case invalidPhone(path: String, problem: PhoneNumber.Problem)
    case invalidSenderID(path: String, value: String)
    case invalidEmail(path: String, value: String)
    case unknownURLField(path: String, field: String, fields: [String])
    case invalidAmount(path: String, value: String, currency: String, exponent: Int)
    case stepKindPrefix(kind: String, expected: String)
    case unknownRecipeStepForProvider(provider: String, step: String, reference: String, suggestion: String?)

    // MARK: Templates
    case whatsappTemplateName(String)
    case whatsappTextTooLong(part: String, length: Int, limit: Int)
    case whatsappTooManyButtons(count: Int, limit: Int)
    case whatsappButtonTooLong(label: String, length: Int, limit: Int)
    case whatsappLanguage(code: String, suggestion: String?)
    case whatsappCategoryMissing(name: String)
    case whatsappHeaderVariables(count: Int)
    case templateVariablesNotSequential(found: [Int])
    case templateExampleMissing(variable: Int, examples: Int)
    case templateMissingLanguage(name: String, language: Language)

    // MARK: References and graph
    case unknownStepDependency(step: String, reference: String, suggestion: String?)
    case dependencyCycle(path: [String])
    case unknownChecklistItem(String, suggestion: String?)
    case unknownChecklist(String, suggestion: String?)
    case unknownProvider(String, suggestion: String?)
    case unknownRecipe(String, suggestion: String?)
    case unknownSlot(String, suggestion: String?)
    case slotUnfillable(slot: String, capabilities: [String])
    case providerComingSoon(provider: String)
    case itemWithoutEvidenceStep(item: String)
    case marketOutsideRecipe(market: String, recipe: String)
    case pinnedProviderLacksCapability(provider: String, slot: String, missing: [String])
    case secretInProjectFile(provider: String, field: String)

    /// A stable kebab-case name for tools, docs and `--json` output.
    public var code: String {
        switch self {
        case .fileTooLarge: "file-too-large"
        case .unreadableFile: "unreadable-file"
        case .notUTF8: "not-utf8"
        case .yamlSyntax: "yaml-syntax"
        case .emptyDocument: "empty-document"
        case .multipleDocuments: "multiple-documents"
        case .tooManyAliases, .documentExpandsTooFar: "alias-bomb"
        case .nestingTooDeep: "nesting-too-deep"
        case .duplicateKey: "duplicate-key"
        case .unknownFileKind: "unknown-file-kind"
        case .unknownKey: "unknown-key"
        case .missingKey: "missing-key"
        case .wrongType, .yamlBoolean: "wrong-type"
        case .invalidChoice: "invalid-value"
        case .invalidIdentifier: "invalid-id"
        case .idDoesNotMatchFileName: "id-file-mismatch"
        case .emptyList: "empty-list"
        case .outOfRange: "out-of-range"
        case .missingTranslation: "missing-translation"
        case .duplicateID: "duplicate-id"
        case .duplicateEntry: "duplicate-entry"
        case .unknownMarket: "unknown-market"
        case .unknownCurrency: "unknown-currency"
        case .unknownCapability: "unknown-capability"
        case .currencyWithoutMinorUnits: "currency-without-minor-units"
        case .paymentMethodCurrencyOutsideProvider: "payment-method-currency"
        case .paymentMethodMarketOutsideProvider: "payment-method-market"
        case .localSchemeCurrency: "payment-method-scheme-currency"
        case .invalidPattern: "invalid-pattern"
        case .invalidURL: "invalid-url"
        case .invalidPhone: "invalid-phone"
        case .invalidSenderID: "invalid-sender-id"
        case .invalidEmail: "invalid-email"
        case .unknownURLField: "unknown-url-field"
        case .invalidAmount: "invalid-amount"
        case .stepKindPrefix: "step-kind-prefix"
        case .unknownRecipeStepForProvider: "unknown-recipe-step"
        case .whatsappTemplateName: "whatsapp-template-name"
        case .whatsappTextTooLong, .whatsappButtonTooLong: "whatsapp-template-length"
        case .whatsappTooManyButtons: "whatsapp-template-buttons"
        case .whatsappLanguage: "whatsapp-template-language"
        case .whatsappCategoryMissing: "whatsapp-template-category"
        case .whatsappHeaderVariables: "whatsapp-template-header"
        case .templateVariablesNotSequential: "template-variables"
        case .templateExampleMissing: "template-example-missing"
        case .templateMissingLanguage: "template-missing-language"
        case .unknownStepDependency: "unknown-dependency"
        case .dependencyCycle: "dependency-cycle"
        case .unknownChecklistItem: "unknown-checklist-item"
        case .unknownChecklist: "unknown-checklist"
        case .unknownProvider: "unknown-provider"
        case .unknownRecipe: "unknown-recipe"
        case .unknownSlot: "unknown-slot"
        case .slotUnfillable: "slot-unfillable"
        case .providerComingSoon: "provider-coming-soon"
        case .itemWithoutEvidenceStep(let item): "item-without-step"
        case .marketOutsideRecipe: "market-outside-recipe"
        case .pinnedProviderLacksCapability: "pin-lacks-capability"
        case .secretInProjectFile: "secret-in-project-file"
        }
    }

    /// The diagnostic for this problem at `location`.
    public func diagnostic(at location: SourceLocation, severity: Diagnostic.Severity = .error) -> Diagnostic {
        Diagnostic(severity, code: code, at: location, message: message, hint: hint)
    }

    public var message: LocalizedText {
        switch self {
        case .fileTooLarge(let bytes, let limit):
            t(
                "file is \(bytes) bytes, over the \(limit)-byte limit",
                "حجم الملف \(bytes) بايت، وهو أكبر من الحد \(limit) بايت")
        case .unreadableFile:
            t("file cannot be read", "تعذرت قراءة الملف")
        case .notUTF8:
            t("file is not valid UTF-8", "الملف ليس بترميز UTF-8 صالح")
        case .yamlSyntax(let problem):
            t("invalid YAML: \(problem)", "صياغة YAML غير صالحة: \(problem)")
        case .emptyDocument:
            t("file is empty", "الملف فارغ")
        case .multipleDocuments:
            t("file holds more than one YAML document", "يحتوي الملف على أكثر من مستند YAML")
        case .tooManyAliases(let limit):
            t("more than \(limit) YAML aliases", "عدد أسماء YAML المستعارة (aliases) يتجاوز \(limit)")
        case .documentExpandsTooFar:
            t(
                "document expands to too many nodes through aliases",
                "يتضخم المستند إلى عدد هائل من العُقد عبر الأسماء المستعارة")
        case .nestingTooDeep(let limit):
            t("nesting deeper than \(limit) levels", "التداخل أعمق من \(limit) مستوى")
        case .duplicateKey(let key):
            t("key '\(key)' appears twice in the same mapping", "المفتاح '\(key)' مكرر في نفس الجدول")
        case .unknownFileKind:
            t("cannot tell what this file describes", "تعذر تحديد نوع هذا الملف")
        case .unknownKey(let key, let path, _):
            t("unknown key '\(key)' in \(path)", "مفتاح غير معروف '\(key)' في \(path)")
        case .missingKey(let key, let path):
            t("missing required key '\(key)' in \(path)", "المفتاح المطلوب '\(key)' مفقود في \(path)")
        case .wrongType(let path, let expected, let found):
            t(
                "'\(path)' must be \(expected), found \(found)",
                "يجب أن تكون قيمة '\(path)' \(Self.arabicKind(expected))، والموجود \(Self.arabicNominative(found))")
        case .yamlBoolean(let path, let value):
            t(
                "'\(path)' is '\(value)'; Sheen reads only true or false as booleans",
                "قيمة '\(path)' هي '\(value)'؛ يقبل Sheen القيمتين true أو false فقط")
        case .invalidChoice(let path, let value, let allowed, _):
            t(
                "'\(path)' is '\(value)', which is not one of: \(allowed.joined(separator: ", "))",
                "قيمة '\(path)' هي '\(value)' وليست من القيم المسموحة: \(allowed.joined(separator: "، "))")
        case .invalidIdentifier(let path, let value):
            t("'\(path)' is '\(value)', which is not a valid id", "قيمة '\(path)' هي '\(value)' وهي ليست معرّفًا صالحًا")
        case .idDoesNotMatchFileName(let id, let fileName):
            t(
                "id '\(id)' does not match the file name '\(fileName)'",
                "المعرّف '\(id)' لا يطابق اسم الملف '\(fileName)'")
        case .emptyList(let path):
            t("'\(path)' must not be empty", "يجب ألا تكون '\(path)' فارغة")
        case .outOfRange(let path, let value, let range):
            t("'\(path)' is \(value), outside \(range)", "قيمة '\(path)' هي \(value)، خارج النطاق \(range)")
        case .missingTranslation(let path, let language):
            t("'\(path)' has no '\(language.rawValue)' text", "لا يوجد نص '\(language.rawValue)' في '\(path)'")
        case .duplicateID(let kind, let id, _):
            t("duplicate \(kind) id '\(id)'", "المعرّف '\(id)' مكرر (\(Self.arabicKind(kind)))")
        case .duplicateEntry(let path, let value):
            t("'\(value)' is listed twice in '\(path)'", "القيمة '\(value)' مكررة في '\(path)'")
        case .unknownMarket(let code, _):
            t(
                "unknown market '\(code)': not an ISO 3166-1 alpha-2 country code",
                "سوق غير معروف '\(code)': ليس رمز دولة ISO 3166-1 من حرفين")
        case .unknownCurrency(let code, _):
            t(
                "unknown currency '\(code)': not an active ISO 4217 code",
                "عملة غير معروفة '\(code)': ليست رمز ISO 4217 ساريًا")
        case .unknownCapability(let capability, _):
            t("unknown capability '\(capability)'", "قدرة غير معروفة '\(capability)'")
        case .currencyWithoutMinorUnits(let code):
            t(
                "currency '\(code)' has no minor units and cannot price anything",
                "العملة '\(code)' ليست لها وحدات فرعية ولا يمكن التسعير بها")
        case .paymentMethodCurrencyOutsideProvider(let method, let currency, let provider):
            t(
                "payment method '\(method)' uses \(currency), which provider '\(provider)' does not list in its currencies",
                "وسيلة الدفع '\(method)' تستخدم \(currency)، وهي ليست ضمن عملات المزوّد '\(provider)'")
        case .paymentMethodMarketOutsideProvider(let method, let market, let provider):
            t(
                "payment method '\(method)' is offered in \(market), which provider '\(provider)' does not list in its markets",
                "وسيلة الدفع '\(method)' متاحة في \(market)، وهو ليس ضمن أسواق المزوّد '\(provider)'")
        case .localSchemeCurrency(let method, let required, let found):
            t(
                "payment method '\(method)' settles only in \(required.joined(separator: "/")), but lists \(found.isEmpty ? "every currency of the provider" : found.joined(separator: ", "))",
                "وسيلة الدفع '\(method)' تُسوّى بعملة \(required.joined(separator: "/")) فقط، لكن المدرج \(found.isEmpty ? "كل عملات المزوّد" : found.joined(separator: "، "))"
            )
        case .invalidPattern(let path, let reason):
            t("'\(path)' is not a valid regular expression: \(reason)", "'\(path)' ليس تعبيرًا نمطيًا صالحًا: \(reason)")
        case .invalidURL(let path, let value):
            t("'\(path)' is '\(value)', which is not an https URL", "قيمة '\(path)' هي '\(value)' وليست عنوان https")
        case .invalidPhone(let path, let problem):
            t("'\(path)': \(problem.message(.en))", "'\(path)': \(problem.message(.ar))")
        case .invalidSenderID(let path, let value):
            t(
                "'\(path)' is '\(value)', which is not an SMS sender ID",
                "قيمة '\(path)' هي '\(value)' وليست اسم مرسل للرسائل القصيرة")
        case .invalidEmail(let path, let value):
            t(
                "'\(path)' is '\(value)', which is not an email address",
                "قيمة '\(path)' هي '\(value)' وليست بريدًا إلكترونيًا")
        case .unknownURLField(let path, let field, _):
            t(
                "'\(path)' uses {\(field)}, which is not a non-secret credential field of this provider",
                "يستخدم '\(path)' الحقل {\(field)} وهو ليس من حقول بيانات الاعتماد غير السرية لهذا المزوّد")
        case .invalidAmount(let path, let value, let currency, let exponent):
            t(
                "'\(path)' is '\(value)', which is not an amount in \(currency) (at most \(exponent) decimals)",
                "قيمة '\(path)' هي '\(value)' وليست مبلغًا صالحًا بعملة \(currency) (بحد أقصى \(exponent) منازل عشرية)")
        case .stepKindPrefix(let kind, let expected):
            t("step kind '\(kind)' must start with '\(expected)'", "نوع الخطوة '\(kind)' يجب أن يبدأ بـ '\(expected)'")
        case .unknownRecipeStepForProvider(let provider, let step, let reference, _):
            t(
                "provider '\(provider)' step '\(step)' depends on '\(reference)', which this recipe does not define",
                "خطوة المزوّد '\(provider)' '\(step)' تعتمد على '\(reference)' غير المعرّفة في هذه الوصفة")
        case .whatsappTemplateName(let name):
            t(
                "WhatsApp template name '\(name)' would be rejected by Meta: only lowercase letters, digits and underscores, at most 512 characters",
                "سترفض Meta اسم قالب واتساب '\(name)': المسموح أحرف إنجليزية صغيرة وأرقام وشرطة سفلية فقط، بحد أقصى 512 حرفًا"
            )
        case .whatsappTextTooLong(let part, let length, let limit):
            t(
                "WhatsApp template \(part) is \(length) characters; Meta allows at most \(limit)",
                "نص \(Self.arabicPart(part)) في قالب واتساب طوله \(length) حرفًا؛ تسمح Meta بحد أقصى \(limit)")
        case .whatsappTooManyButtons(let count, let limit):
            t(
                "WhatsApp template has \(count) buttons; Meta allows at most \(limit)",
                "في قالب واتساب \(count) أزرار؛ تسمح Meta بحد أقصى \(limit)")
        case .whatsappButtonTooLong(let label, let length, let limit):
            t(
                "WhatsApp button label '\(label)' is \(length) characters; Meta allows at most \(limit)",
                "عنوان الزر '\(label)' طوله \(length) حرفًا؛ تسمح Meta بحد أقصى \(limit)")
        case .whatsappLanguage(let code, _):
            t("'\(code)' is not a WhatsApp template language code", "'\(code)' ليس رمز لغة مقبولًا لقوالب واتساب")
        case .whatsappCategoryMissing(let name):
            t("WhatsApp template '\(name)' needs a category", "قالب واتساب '\(name)' يحتاج إلى فئة")
        case .whatsappHeaderVariables(let count):
            t(
                "WhatsApp template header has \(count) variables; Meta allows at most 1",
                "ترويسة قالب واتساب فيها \(count) متغيرات؛ تسمح Meta بمتغير واحد فقط")
        case .templateVariablesNotSequential(let found):
            t(
                "template variables must be {{1}}, {{2}}, … in sequence; found \(found.map { "{{\($0)}}" }.joined(separator: ", "))",
                "يجب أن تكون متغيرات القالب متسلسلة {{1}}، {{2}}، …؛ الموجود \(found.map { "{{\($0)}}" }.joined(separator: "، "))"
            )
        case .templateExampleMissing(let variable, let examples):
            t(
                "variable {{\(variable)}} has no example value (\(examples) given)",
                "المتغير {{\(variable)}} بلا قيمة مثال (عدد الأمثلة \(examples))")
        case .templateMissingLanguage(let name, let language):
            t(
                "template '\(name)' has no \(language == .ar ? "Arabic" : "English") text",
                "القالب '\(name)' بلا نص \(language == .ar ? "عربي" : "إنجليزي")")
        case .unknownStepDependency(let step, let reference, _):
            t(
                "step '\(step)' depends on unknown step '\(reference)'",
                "الخطوة '\(step)' تعتمد على خطوة غير معروفة '\(reference)'")
        case .dependencyCycle(let path):
            t("dependency cycle: \(path.joined(separator: " → "))", "اعتماد دائري: \(path.joined(separator: " ← "))")
        case .unknownChecklistItem(let id, _):
            t("unknown checklist item '\(id)'", "بند قائمة تفعيل غير معروف '\(id)'")
        case .unknownChecklist(let id, _):
            t("unknown checklist '\(id)'", "قائمة تفعيل غير معروفة '\(id)'")
        case .unknownProvider(let id, _):
            t("unknown provider '\(id)'", "مزوّد غير معروف '\(id)'")
        case .unknownRecipe(let id, _):
            t("unknown recipe '\(id)'", "وصفة غير معروفة '\(id)'")
        case .unknownSlot(let id, _):
            t("unknown slot '\(id)'", "خانة غير معروفة '\(id)'")
        case .slotUnfillable(let slot, let capabilities):
            t(
                "no provider in the catalog offers every capability of slot '\(slot)': \(capabilities.joined(separator: ", "))",
                "لا يوجد مزوّد في الكتالوج يقدّم كل قدرات الخانة '\(slot)': \(capabilities.joined(separator: "، "))")
        case .providerComingSoon(let provider):
            t(
                "provider '\(provider)' is coming soon and cannot be provisioned yet",
                "المزوّد '\(provider)' قادم قريبًا ولا يمكن تجهيزه بعد")
        case .itemWithoutEvidenceStep(let item):
            t(
                "item '\(item)' is evidenced by a step result, but no provisioning step names it in 'evidences'",
                "البند '\(item)' يُثبت بنتيجة خطوة، لكن لا توجد خطوة تذكره في 'evidences'")
        case .marketOutsideRecipe(let market, let recipe):
            t(
                "market \(market) is not one of recipe '\(recipe)' markets",
                "السوق \(market) ليس من أسواق الوصفة '\(recipe)'")
        case .pinnedProviderLacksCapability(let provider, let slot, let missing):
            t(
                "pinned provider '\(provider)' lacks \(missing.joined(separator: ", ")) needed by slot '\(slot)'",
                "المزوّد المثبت '\(provider)' لا يقدّم \(missing.joined(separator: "، ")) التي تحتاجها الخانة '\(slot)'")
        case .secretInProjectFile(let provider, let field):
            t(
                "the \(provider) connection writes its secret field '\(field)' in the project file, which is committed",
                "يكتب اتصال \(provider) حقله السري '\(field)' في ملف المشروع، وهو ملف يُحفظ في المستودع")
        }
    }

    public var hint: LocalizedText? {
        switch self {
        case .fileTooLarge:
            t("split the file, or check that it is the file you meant", "قسّم الملف، أو تأكد أنه الملف المقصود")
        case .unreadableFile:
            t("check that the path exists and is readable", "تأكد من وجود المسار وصلاحية القراءة")
        case .notUTF8:
            t("save the file as UTF-8", "احفظ الملف بترميز UTF-8")
        case .yamlSyntax:
            t(
                "check indentation and quoting on this line and the one before",
                "راجع المسافات البادئة وعلامات الاقتباس في هذا السطر والسطر الذي قبله")
        case .emptyDocument:
            t("write the mapping this file describes; see docs/catalog.md", "اكتب محتوى الملف كما في docs/catalog.md")
        case .multipleDocuments:
            t("keep one document per file: remove the '---' separator", "اجعل كل ملف مستندًا واحدًا: احذف الفاصل '---'")
        case .tooManyAliases, .documentExpandsTooFar:
            t(
                "write values out instead of reusing them through '&anchor' and '*alias'",
                "اكتب القيم صراحة بدل تكرارها عبر '&anchor' و'*alias'")
        case .nestingTooDeep:
            t(
                "catalog files never need this depth; flatten the structure",
                "ملفات الكتالوج لا تحتاج هذا العمق؛ بسّط البنية")
        case .duplicateKey:
            t("keep one of them", "أبقِ واحدًا منها فقط")
        case .unknownFileKind:
            t(
                "put it in Providers/, Recipes/, Checklists/ or Capabilities/, or name a project file sheen.yaml",
                "ضعه في Providers/ أو Recipes/ أو Checklists/ أو Capabilities/، أو سمِّ ملف المشروع sheen.yaml")
        case .unknownKey(_, _, let suggestion?):
            didYouMean(suggestion)
        case .unknownKey:
            t(
                "remove it, or see docs/catalog.md for the keys allowed here",
                "احذفه، أو راجع docs/catalog.md للمفاتيح المسموحة هنا")
        case .missingKey(let key, _):
            t("add '\(key):'", "أضف '\(key):'")
        case .wrongType:
            t("see docs/catalog.md for the expected shape", "راجع docs/catalog.md للشكل المتوقع")
        case .yamlBoolean:
            t("write true or false", "اكتب true أو false")
        case .invalidChoice(_, _, _, let suggestion?):
            didYouMean(suggestion)
        case .invalidChoice:
            nil
        case .invalidIdentifier:
            t(
                "use lowercase letters, digits and '-', starting with a letter (e.g. 'arabic-ecommerce')",
                "استخدم أحرفًا إنجليزية صغيرة وأرقامًا و'-'، تبدأ بحرف (مثل 'arabic-ecommerce')")
        case .idDoesNotMatchFileName(_, let fileName):
            t("rename the file or set id: \(fileName)", "أعد تسمية الملف أو اجعل id: \(fileName)")
        case .emptyList:
            t("list at least one entry, or remove the key", "أدرج عنصرًا واحدًا على الأقل، أو احذف المفتاح")
        case .outOfRange:
            nil
        case .missingTranslation(_, let language):
            t("add '\(language.rawValue):' with the text", "أضف '\(language.rawValue):' مع النص")
        case .duplicateID(_, _, let first?):
            t("the first definition is at \(first); rename one of them", "التعريف الأول في \(first)؛ غيّر اسم أحدهما")
        case .duplicateID:
            t("rename one of them", "غيّر اسم أحدهما")
        case .duplicateEntry:
            t("remove the repeated entry", "احذف العنصر المكرر")
        case .unknownMarket(_, let suggestion?), .unknownCurrency(_, let suggestion?),
            .unknownCapability(_, let suggestion?), .whatsappLanguage(_, let suggestion?),
            .unknownStepDependency(_, _, let suggestion?), .unknownChecklistItem(_, let suggestion?),
            .unknownChecklist(_, let suggestion?), .unknownProvider(_, let suggestion?),
            .unknownRecipe(_, let suggestion?), .unknownSlot(_, let suggestion?),
            .unknownRecipeStepForProvider(_, _, _, let suggestion?):
            didYouMean(suggestion)
        case .unknownMarket:
            t(
                "markets are ISO 3166-1 alpha-2 codes such as SA, AE, KW, EG",
                "الأسواق رموز ISO 3166-1 من حرفين مثل SA وAE وKW وEG")
        case .unknownCurrency:
            t(
                "currencies are ISO 4217 codes such as SAR, AED, KWD, EGP",
                "العملات رموز ISO 4217 مثل SAR وAED وKWD وEGP")
        case .unknownCapability:
            t(
                "declare it in Capabilities/, or run 'sheen providers' to see the capabilities offered",
                "عرّفها في Capabilities/، أو شغّل 'sheen providers' لرؤية القدرات المتاحة")
        case .currencyWithoutMinorUnits:
            t("use a currency that has minor units", "استخدم عملة لها وحدات فرعية")
        case .paymentMethodCurrencyOutsideProvider(_, let currency, _):
            t(
                "add \(currency) to the provider's currencies, or remove it from the method",
                "أضف \(currency) إلى عملات المزوّد، أو احذفها من وسيلة الدفع")
        case .paymentMethodMarketOutsideProvider(_, let market, _):
            t(
                "add \(market) to the provider's markets, or remove it from the method",
                "أضف \(market) إلى أسواق المزوّد، أو احذفه من وسيلة الدفع")
        case .localSchemeCurrency(_, let required, _):
            t(
                "set currencies: [\(required.joined(separator: ", "))] on this method",
                "اجعل currencies: [\(required.joined(separator: ", "))] لهذه الوسيلة")
        case .invalidPattern:
            t("patterns use ICU regular-expression syntax, e.g. '^sk_test_'", "الأنماط بصيغة ICU، مثل '^sk_test_'")
        case .invalidPhone:
            t(
                "write the mobile in international form, e.g. +966512345678 (Arabic-Indic digits are fine)",
                "اكتب رقم الجوال بالصيغة الدولية، مثل ‎+966512345678 (تُقبل الأرقام العربية الهندية)")
        case .invalidSenderID:
            t(
                "use the sender ID registered with your SMS provider: 1–11 letters or digits, with at least one letter",
                "استخدم اسم المرسل المسجل لدى مزوّد الرسائل: من 1 إلى 11 حرفًا أو رقمًا، فيه حرف واحد على الأقل")
        case .invalidEmail:
            t("write an address like owner@example.sa", "اكتب عنوانًا مثل owner@example.sa")
        case .invalidURL:
            t(
                "write a full https:// URL (http:// is accepted only for localhost)",
                "اكتب عنوان https:// كاملًا (يُقبل http:// لـ localhost فقط)")
        case .unknownURLField(_, _, let fields) where fields.isEmpty:
            t(
                "declare the field under auth.credentials (not secret: URLs end up in logs), or write the URL without braces",
                "عرّف الحقل تحت auth.credentials (غير سري: تنتهي العناوين في السجلات)، أو اكتب العنوان دون أقواس")
        case .unknownURLField(_, _, let fields):
            t(
                "placeholders name non-secret credential fields: \(fields.map { "{\($0)}" }.joined(separator: ", "))",
                "تسمّي العناصر النائبة حقول بيانات الاعتماد غير السرية: \(fields.map { "{\($0)}" }.joined(separator: "، "))"
            )
        case .invalidAmount:
            t("write the amount as a decimal string, e.g. \"1.00\"", "اكتب المبلغ كنص عشري، مثل \"1.00\"")
        case .stepKindPrefix(_, let expected):
            t("name the kind '\(expected)<verb>'", "سمِّ النوع '\(expected)<verb>'")
        case .unknownRecipeStepForProvider(_, _, let reference, nil):
            t(
                "add a step with id '\(reference.dropFirst("recipe.".count))' to the recipe's steps",
                "أضف خطوة بالمعرّف '\(reference.dropFirst("recipe.".count))' إلى خطوات الوصفة")
        case .whatsappTemplateName(let name):
            t("for example '\(Self.suggestedTemplateName(name))'", "مثلًا '\(Self.suggestedTemplateName(name))'")
        case .whatsappTextTooLong, .whatsappButtonTooLong:
            t("shorten the text", "اختصر النص")
        case .whatsappTooManyButtons:
            t("remove buttons", "احذف بعض الأزرار")
        case .whatsappLanguage(let code, nil):
            t(
                "use Meta's codes with an underscore, e.g. ar, ar_EG, en_US (not '\(code)')",
                "استخدم رموز Meta بشرطة سفلية مثل ar وar_EG وen_US (وليس '\(code)')")
        case .whatsappCategoryMissing:
            t(
                "add category: UTILITY, MARKETING or AUTHENTICATION",
                "أضف category: UTILITY أو MARKETING أو AUTHENTICATION")
        case .whatsappHeaderVariables:
            t(
                "keep one {{n}} in the header and move the others to the body",
                "أبقِ متغيرًا واحدًا في الترويسة وانقل البقية إلى النص")
        case .templateVariablesNotSequential:
            t("number the variables from {{1}} without gaps", "رقّم المتغيرات بدءًا من {{1}} بلا فجوات")
        case .templateExampleMissing:
            t("add a value to 'examples' for each variable", "أضف قيمة في 'examples' لكل متغير")
        case .templateMissingLanguage(_, let language):
            t("add a '\(language.rawValue)' entry under 'languages'", "أضف مدخل '\(language.rawValue)' تحت 'languages'")
        case .unknownStepDependency:
            t(
                "depend on a step id of this file, a slot name, or 'recipe.<step>'",
                "اعتمد على معرّف خطوة في هذا الملف، أو اسم خانة، أو 'recipe.<step>'")
        case .dependencyCycle:
            t("remove one of these dependencies", "احذف أحد هذه الاعتمادات")
        case .unknownChecklistItem:
            t("run 'sheen validate' on Checklists/ to see the item ids", "راجع معرّفات البنود في Checklists/")
        case .unknownChecklist, .unknownRecipe, .unknownSlot, .unknownRecipeStepForProvider:
            nil
        case .unknownProvider:
            t("run 'sheen providers' to list them", "شغّل 'sheen providers' لعرض المزوّدين")
        case .slotUnfillable:
            t("add a provider manifest that offers them, or split the slot", "أضف ملف مزوّد يقدّمها، أو قسّم الخانة")
        case .providerComingSoon:
            t("choose an available provider", "اختر مزوّدًا متاحًا")
        case .itemWithoutEvidenceStep(let item):
            t(
                "add 'evidences: [\(item)]' to the step that proves it",
                "أضف 'evidences: [\(item)]' إلى الخطوة التي تثبته")
        case .marketOutsideRecipe:
            t("remove the market, or choose a recipe that targets it", "احذف السوق، أو اختر وصفة تستهدفه")
        case .pinnedProviderLacksCapability:
            t("pin a provider that offers every capability of the slot", "ثبّت مزوّدًا يقدّم كل قدرات الخانة")
        case .secretInProjectFile(let provider, let field):
            t(
                "write \(field): \"@env:\(Connection.environmentVariable(provider: provider, field: field))\" and set that variable in CI",
                "اكتب \(field): \"@env:\(Connection.environmentVariable(provider: provider, field: field))\" وعرّف هذا المتغير في CI"
            )
        }
    }

    private func t(_ en: String, _ ar: String) -> LocalizedText { LocalizedText(en: en, ar: ar) }

    private func didYouMean(_ suggestion: String) -> LocalizedText {
        t("did you mean '\(suggestion)'?", "هل تقصد '\(suggestion)'؟")
    }

    /// The closest name Meta would accept, to make the fix obvious.
    static func suggestedTemplateName(_ name: String) -> String {
        let mapped = name.lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "_"
        }
        let collapsed = String(mapped).split(separator: "_").joined(separator: "_")
        return collapsed.isEmpty ? "message_template" : String(collapsed.prefix(512))
    }

    private static func arabicKind(_ kind: String) -> String {
        switch kind {
        case "a mapping": "جدولًا (mapping)"
        case "a list": "قائمة"
        case "a string": "نصًا"
        case "an integer": "عددًا صحيحًا"
        case "a number": "رقمًا"
        case "true or false": "true أو false"
        case "null": "فارغة (null)"
        case "a boolean": "قيمة منطقية"
        case "provider": "مزوّد"
        case "recipe": "وصفة"
        case "checklist": "قائمة تفعيل"
        case "capability": "قدرة"
        case "step": "خطوة"
        case "slot": "خانة"
        case "checklist item": "بند"
        case "template": "قالب"
        default: kind
        }
    }

    /// The subject form ("the value found is …"), without the accusative ending `arabicKind` uses after "must be".
    private static func arabicNominative(_ kind: String) -> String {
        switch kind {
        case "a mapping": "جدول (mapping)"
        case "a list": "قائمة"
        case "a string": "نص"
        case "an integer": "عدد صحيح"
        case "a number": "رقم"
        case "null": "قيمة فارغة (null)"
        case "a boolean": "قيمة منطقية"
        case "an alias": "اسم مستعار (alias)"
        default: kind
        }
    }

    private static func arabicPart(_ part: String) -> String {
        switch part {
        case "body": "المتن"
        case "header": "الترويسة"
        case "footer": "التذييل"
        default: part
        }
    }
}
