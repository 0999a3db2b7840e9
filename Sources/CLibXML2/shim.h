// libxml2 from Debian (libxml2-dev): the Arabic rendering probe reads the page with its HTML parser and XPath.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, whose headers clash with the ICU inside Foundation. The probe never touches the
// encoding handlers those headers describe (it only holds pointers to parsed documents), so they are left out.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
