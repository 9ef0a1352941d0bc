// pcsc-lite's client API; pkg-config adds -I/usr/include/PCSC, which winscard.h's own includes need.
#include <winscard.h>
#include <reader.h>
