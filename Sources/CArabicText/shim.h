// What the Arabic rendering probe needs from Debian's C libraries: FreeType to load the page's font
// and HarfBuzz to shape Arabic with it.
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <hb-ft.h>
