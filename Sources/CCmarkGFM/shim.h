// cmark-gfm core plus the GFM extensions (table, strikethrough, tasklist, autolink).
// No wrappers are needed: the parser API has no variadic functions.
#ifndef CCMARKGFM_SHIM_H
#define CCMARKGFM_SHIM_H
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#endif
