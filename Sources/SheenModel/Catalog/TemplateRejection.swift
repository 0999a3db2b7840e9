/// What to do about a WhatsApp template Meta rejected, by the reason it gave (Infobip's `WhatsAppReason`:
/// `ABUSIVE_CONTENT`, `INCORRECT_CATEGORY`, `INVALID_FORMAT`, `SCAM`, `NONE`, `UNKNOWN`), in English and Arabic.
public enum TemplateRejection {
    public static func fix(reason: String?) -> LocalizedText {
        switch reason {
        case "INVALID_FORMAT":
            LocalizedText(
                en:
                    "Meta found the format invalid: check the placeholders run {{1}}, {{2}}… with an example each, no placeholder opens or ends the body, and the lengths fit; then submit it under a new name",
                ar:
                    "رأت Meta أن الصيغة غير صالحة: تأكد أن المتغيرات متتالية {{1}} و{{2}}… ولكل منها مثال، وألا يبدأ النص أو ينتهي بمتغير، وأن الأطوال مقبولة؛ ثم قدّمه باسم جديد"
            )
        case "INCORRECT_CATEGORY":
            LocalizedText(
                en:
                    "Meta disagrees with the category: a message with any promotion is MARKETING; change the recipe's category and submit it under a new name",
                ar:
                    "لا توافق Meta على الفئة: أي رسالة فيها ترويج تُعد MARKETING؛ غيّر فئة القالب في الوصفة وقدّمه باسم جديد"
            )
        case "ABUSIVE_CONTENT", "SCAM":
            LocalizedText(
                en:
                    "Meta judged the content against its policy: rewrite the text plainly, without pressure or misleading claims, and submit it under a new name",
                ar:
                    "رأت Meta أن المحتوى يخالف سياستها: أعد كتابة النص بوضوح ودون ضغط أو ادعاءات مضللة، وقدّمه باسم جديد"
            )
        default:
            LocalizedText(
                en:
                    "Meta gave no reason: read the template's status in Infobip's console (or WhatsApp Manager), adjust it, and submit it under a new name",
                ar:
                    "لم تذكر Meta سببًا: اطّلع على حالة القالب في لوحة Infobip (أو مدير واتساب)، وعدّله، وقدّمه باسم جديد")
        }
    }
}
