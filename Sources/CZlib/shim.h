// zlib, for its CRC-32 (deflate itself goes through CompressNIO).
#include <zlib.h>
