/// Arabic full-text search inside PostgreSQL, for projects whose search lives in their database (Supabase, or any
/// PostgreSQL ≥ 12, which ships Snowball's `arabic` stemmer). Lucene's Arabic analyzer normalises before it stems;
/// a text search configuration cannot hold a normaliser, so the normalisation is an immutable SQL function applied
/// on both sides: `sheen_arabic_tsvector(document) @@ sheen_arabic_tsquery(query)`. Its rules are Lucene's
/// `ArabicNormalizer`'s (alef forms to bare alef, alef maqsura to yeh, teh marbuta to heh, tatweel and harakat
/// removed), checked against Lucene's own test cases on a real PostgreSQL by the test suite.
public enum ArabicSearchSQL {
    /// The configuration's name in `public`.
    public static let configuration = "sheen_arabic"

    /// One statement each (the extended query protocol takes one at a time); idempotent, so a crash between
    /// statements is repaired by the next run.
    public static let installStatements = [
        """
        CREATE OR REPLACE FUNCTION public.sheen_arabic_normalize(input text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT translate(input, '\(normalizeFrom)', '\(normalizeTo)')
        $$
        """,
        """
        DO $$ BEGIN
          IF NOT EXISTS (
            SELECT 1 FROM pg_catalog.pg_ts_config
            WHERE cfgname = '\(configuration)' AND cfgnamespace = 'public'::regnamespace
          ) THEN
            CREATE TEXT SEARCH CONFIGURATION public.\(configuration) (COPY = pg_catalog.arabic);
          END IF;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION public.sheen_arabic_tsvector(input text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT to_tsvector('public.\(configuration)', public.sheen_arabic_normalize(input))
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION public.sheen_arabic_tsquery(input text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
          SELECT plainto_tsquery('public.\(configuration)', public.sheen_arabic_normalize(input))
        $$
        """,
    ]

    /// The same as one script, for endpoints that run several statements at once (Supabase's SQL endpoint).
    public static var install: String { installStatements.joined(separator: ";\n") + ";" }

    /// One row when the configuration is installed, none otherwise.
    public static let installed = """
        SELECT cfgname FROM pg_catalog.pg_ts_config
        WHERE cfgname = '\(configuration)' AND cfgnamespace = 'public'::regnamespace
        """

    /// Removes what ``install`` made, one statement each.
    public static let uninstallStatements = [
        "DROP FUNCTION IF EXISTS public.sheen_arabic_tsquery(text)",
        "DROP FUNCTION IF EXISTS public.sheen_arabic_tsvector(text)",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.\(configuration)",
        "DROP FUNCTION IF EXISTS public.sheen_arabic_normalize(text)",
    ]

    public static var uninstall: String { uninstallStatements.joined(separator: ";\n") + ";" }

    /// `translate` maps each of the first characters to its partner and deletes those beyond `normalizeTo`'s length:
    /// آ أ إ → ا, ى → ي, ة → ه; then tatweel and the eight harakat (U+064B–U+0652) go.
    static let normalizeFrom =
        "\u{0622}\u{0623}\u{0625}\u{0649}\u{0629}\u{0640}\u{064B}\u{064C}\u{064D}\u{064E}\u{064F}\u{0650}\u{0651}\u{0652}"
    static let normalizeTo = "\u{0627}\u{0627}\u{0627}\u{064A}\u{0647}"
}
