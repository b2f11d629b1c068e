#ifndef SLUICE_CCRYPT_SHIM_H
#define SLUICE_CCRYPT_SHIM_H
// libxcrypt: crypt_r verifies bcrypt ($2a$/$2b$/$2y$), MD5-crypt, SHA-crypt and DES crypt hashes,
// as lighttpd's mod_authn_file does. apr1 and {SHA} are implemented in Swift.
#include <crypt.h>
#endif
