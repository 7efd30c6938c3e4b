/* SPDX-License-Identifier: BSD-3-Clause */
/* TURN over TLS: the server context, TLS 1.2 and 1.3, from the configured PEM files. */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dturn_app.h"
#include "dturn_stream.h"

static void
log_openssl(const char *what, const char *path)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	RTE_LOG(ERR, DTURN, "stream: %s %s: %s\n", what, path, e != 0 ? buf : "unknown error");
	ERR_clear_error();
}

struct ssl_ctx_st *
dturn_stream_tls_load(const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL) {
		log_openssl("cannot create a TLS context for", cert);
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		log_openssl("cannot require TLS 1.2 for", cert);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		log_openssl("cannot load the certificate", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		log_openssl("cannot load the private key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		log_openssl("the private key does not match the certificate", cert);
		goto fail;
	}
	/* A record that could not be written is retried from the connection's buffer,
	 * which may have moved (dturn_stream_conn.c writes one message per record). */
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void
dturn_stream_tls_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}
