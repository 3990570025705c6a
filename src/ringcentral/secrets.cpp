// Secrets at rest: AES-256-GCM (OpenSSL EVP) under a key kept outside the database; random
// values, base64 and SHA-256 for PKCE.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"

namespace switchboard {

SecretCodec::~SecretCodec() = default;

namespace rc {

std::string random_urlsafe(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw Error(ErrorCode::kInternal, "the system random generator failed");
  return base64_encode(raw, true);
}

std::string base64_encode(std::string_view data, bool urlsafe) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  if (urlsafe) {
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string t = text::trim(text);
  for (char& c : t) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (t.size() % 4) t += '=';
  std::string out(t.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(t.data()), static_cast<int>(t.size()));
  if (n < 0 || t.empty()) throw ValidationError("not valid base64", ErrorCode::kInvalidArgument);
  std::size_t pad = 0;
  for (std::size_t i = t.size(); i > 0 && t[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

namespace {

constexpr std::string_view kPrefix = "enc:v1:";
constexpr int kNonce = 12, kTag = 16;

struct Ctx {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  ~Ctx() { EVP_CIPHER_CTX_free(c); }
};

/// Thread-safe. AES-256-GCM; the field name is additional authenticated data, so a value
/// moved to another field does not decrypt.
class AesGcmCodec final : public SecretCodec {
 public:
  explicit AesGcmCodec(std::string key) : key_(std::move(key)) {}
  ~AesGcmCodec() override { OPENSSL_cleanse(key_.data(), key_.size()); }

  std::string seal(const std::string& field, const std::string& plaintext) override {
    unsigned char nonce[kNonce];
    if (RAND_bytes(nonce, kNonce) != 1) throw Error(ErrorCode::kInternal, "random generator failed");
    Ctx ctx;
    std::string out(reinterpret_cast<char*>(nonce), kNonce);
    out.resize(kNonce + plaintext.size() + kTag);
    int len = 0, total = 0;
    auto* o = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
    bool ok = ctx.c && EVP_EncryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
              EVP_EncryptInit_ex(ctx.c, nullptr, nullptr, key(), nonce) == 1 &&
              EVP_EncryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(field.data()),
                                static_cast<int>(field.size())) == 1 &&
              EVP_EncryptUpdate(ctx.c, o, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                                static_cast<int>(plaintext.size())) == 1;
    total = len;
    ok = ok && EVP_EncryptFinal_ex(ctx.c, o + total, &len) == 1;
    total += len;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_GET_TAG, kTag, o + total) == 1;
    if (!ok) throw Error(ErrorCode::kInternal, "AES-256-GCM encryption failed");
    return std::string(kPrefix) + base64_encode(out);
  }

  std::string open(const std::string& field, const std::string& stored) override {
    if (stored.compare(0, kPrefix.size(), kPrefix) != 0) return stored;  // written before encryption
    std::string raw;
    try {
      raw = base64_decode(std::string_view(stored).substr(kPrefix.size()));
    } catch (const ValidationError&) {
      raw.clear();
    }
    if (raw.size() < std::size_t(kNonce + kTag))
      throw AuthError("the stored " + field + " is damaged");
    Ctx ctx;
    const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
    std::size_t n = raw.size() - kNonce - kTag;
    std::string plain(n, '\0');
    auto* o = reinterpret_cast<unsigned char*>(plain.data());
    int len = 0;
    std::string tag = raw.substr(kNonce + n);
    bool ok = ctx.c && EVP_DecryptInit_ex(ctx.c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
              EVP_DecryptInit_ex(ctx.c, nullptr, nullptr, key(), in) == 1 &&
              EVP_DecryptUpdate(ctx.c, nullptr, &len, reinterpret_cast<const unsigned char*>(field.data()),
                                static_cast<int>(field.size())) == 1 &&
              EVP_DecryptUpdate(ctx.c, o, &len, in + kNonce, static_cast<int>(n)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.c, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1;
    int tail = 0;
    ok = ok && EVP_DecryptFinal_ex(ctx.c, o + len, &tail) == 1;
    if (!ok) {
      OPENSSL_cleanse(plain.data(), plain.size());
      throw AuthError("the stored " + field +
                      " cannot be decrypted with this key (wrong SWITCHBOARD_SECRET_KEY?)");
    }
    return plain;
  }

 private:
  const unsigned char* key() const { return reinterpret_cast<const unsigned char*>(key_.data()); }
  std::string key_;
};

}  // namespace
}  // namespace rc

std::shared_ptr<SecretCodec> make_aes_gcm_codec(const std::string& key) {
  if (key.size() != 32)
    throw ValidationError("an AES-256 key is 32 bytes, not " + std::to_string(key.size()),
                          ErrorCode::kInvalidArgument);
  return std::make_shared<rc::AesGcmCodec>(key);
}

std::shared_ptr<SecretCodec> secret_codec_from_environment(const std::string& key_file) {
  auto decode = [](const std::string& text, const std::string& where) {
    std::string key;
    try {
      key = rc::base64_decode(text);
    } catch (const ValidationError&) {
      throw ValidationError(where + " is not base64 (make one with: openssl rand -base64 32)",
                            ErrorCode::kInvalidArgument);
    }
    if (key.size() != 32)
      throw ValidationError(where + " must be the base64 of 32 bytes (openssl rand -base64 32)",
                            ErrorCode::kInvalidArgument);
    return make_aes_gcm_codec(key);
  };
  if (const char* env = std::getenv("SWITCHBOARD_SECRET_KEY"); env && *env)
    return decode(env, "SWITCHBOARD_SECRET_KEY");
  std::string file = key_file;
  if (file.empty())
    if (const char* env = std::getenv("SWITCHBOARD_SECRET_KEY_FILE"); env && *env) file = env;
  if (file.empty()) return nullptr;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ValidationError("cannot read the key file " + file, ErrorCode::kInvalidArgument);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.size() == 32) return make_aes_gcm_codec(content);
  return decode(content, "the key file " + file);
}

}  // namespace switchboard
