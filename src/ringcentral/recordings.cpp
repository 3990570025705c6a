// Recordings and transcripts: content streamed from the media host into a file (Authorization
// header only, audio types only, Range resume, manual redirects under the SSRF guard), and ACE
// insights for the TranscriptSource interface.
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/text.h"
#include "ringcentral/ringcentral_internal.h"

namespace switchboard {

using rc::Ms;
namespace {

constexpr int kMaxRedirects = 5;

bool audio_type(const std::string& content_type) {
  std::string t = text::lower_ascii(text::trim(content_type.substr(0, content_type.find(';'))));
  return t == "audio/mpeg" || t == "audio/mp3" || t == "audio/wav" || t == "audio/x-wav" ||
         t == "audio/wave" || t == "audio/vnd.wave";
}

/// Resolves a Location header against the URL it answered (relative references allowed).
std::string resolve_location(const std::string& base, const std::string& location) {
  CURLU* u = curl_url();
  std::string out;
  if (u && curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, location.c_str(), 0) == CURLUE_OK) {
    char* s = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK && s) {
      out = s;
      curl_free(s);
    }
  }
  curl_url_cleanup(u);
  if (out.empty())
    throw ValidationError("the recording redirect target is not a valid URL", ErrorCode::kInvalidArgument);
  return out;
}

/// One thread at a time. The partial file: created private (0600), removed unless committed.
class PartFile {
 public:
  explicit PartFile(std::string path) : path_(std::move(path)) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw Error(ErrorCode::kIo, "cannot write " + path_ + ": " + std::strerror(errno));
    f_ = fdopen(fd, "wb");
    if (!f_) {
      ::close(fd);
      throw Error(ErrorCode::kIo, "cannot write " + path_);
    }
  }
  ~PartFile() {
    if (f_) std::fclose(f_);
    if (!committed_) std::remove(path_.c_str());
  }
  bool write(const char* data, std::size_t n) {
    if (std::fwrite(data, 1, n, f_) != n) return false;
    size_ += static_cast<std::int64_t>(n);
    return true;
  }
  void truncate() {
    std::fflush(f_);
    if (ftruncate(fileno(f_), 0) != 0 || std::fseek(f_, 0, SEEK_SET) != 0)
      throw Error(ErrorCode::kIo, "cannot truncate " + path_);
    size_ = 0;
  }
  std::int64_t size() const { return size_; }
  void commit(const std::string& target) {
    bool ok = std::fflush(f_) == 0 && fsync(fileno(f_)) == 0;
    ok = std::fclose(f_) == 0 && ok;
    f_ = nullptr;
    if (!ok || std::rename(path_.c_str(), target.c_str()) != 0)
      throw Error(ErrorCode::kIo, "cannot write " + target + ": " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  std::int64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace

std::string RingCentralClient::recording_content_url(const std::string& id_or_uri) const {
  const Impl& d = *impl_;
  std::string v = text::trim(id_or_uri);
  if (v.find("://") == std::string::npos) return recording_url(v, "~", d.opt.media_server);
  std::string origin = rc::parse_origin(v).text();
  if (origin != d.media.text() && origin != d.platform.text())
    throw ValidationError("recording URL " + rc::strip_query(v) +
                              " is not on the RingCentral media or platform host; the access token "
                              "is never sent elsewhere",
                          ErrorCode::kInvalidArgument);
  return v;
}

RecordingDownload RingCentralClient::download_recording(const std::string& id_or_content_uri,
                                                        const std::string& path) {
  Impl& d = *impl_;
  if (path.empty()) throw ValidationError("a file path is required", ErrorCode::kInvalidArgument);
  const std::string first = recording_content_url(id_or_content_uri);
  RecordingDownload out;
  out.path = path;
  PartFile part(path + ".part");
  rc::Call call;  // how the first hop is described and throttled
  call.url = first;
  call.group = "Heavy";
  int attempt = 0;
  bool replayed = false;
  for (;;) {
    std::string url = first, token, bad_type, range_problem;
    rc::HttpResponse res;
    std::string group = call.group;
    for (int hop = 0;; ++hop) {
      if (hop == 0) {
        d.gate(call.group);
        token = d.access_token();
      }
      rc::HttpRequest r = d.prepare("GET", url);  // every hop: https (or a listed origin), public address, pinned
      r.timeout = Ms(0);
      r.stall_timeout = d.opt.timeout;
      if (hop == 0) r.headers.push_back("Authorization: Bearer " + token);  // never on later hops
      const std::int64_t offset = part.size();
      if (offset > 0) r.headers.push_back("Range: bytes=" + std::to_string(offset) + "-");
      r.on_headers = [&](int status, const rc::Headers& h) {
        if (status < 200 || status >= 300) return true;
        std::string type = rc::header(h, "content-type");
        if (!audio_type(type)) {
          bad_type = type.empty() ? "(none)" : type;
          return false;
        }
        out.content_type = text::lower_ascii(text::trim(type.substr(0, type.find(';'))));
        if (status == 200 && offset > 0) part.truncate();  // the server ignored Range: start over
        if (status == 206) {
          std::string cr = rc::header(h, "content-range");  // "bytes START-END/TOTAL"
          std::size_t sp = cr.find(' ');
          if (sp == std::string::npos || std::atoll(cr.c_str() + sp + 1) != offset) {
            range_problem = cr;
            return false;
          }
        }
        return true;
      };
      r.sink = [&](const char* data, std::size_t n) { return part.write(data, n); };
      res = d.http.perform(r);
      if (hop == 0 && res.status) group = d.limiter->observe(call.group, res.headers);
      bool redirect = res.status == 301 || res.status == 302 || res.status == 303 ||
                      res.status == 307 || res.status == 308;
      if (!redirect) break;
      std::string location = rc::header(res.headers, "location");
      if (location.empty()) throw HttpError("a recording redirect without a Location", res.status);
      if (hop + 1 > kMaxRedirects)
        throw HttpError("more than " + std::to_string(kMaxRedirects) + " redirects fetching a recording",
                        res.status);
      url = resolve_location(url, location);
      ++out.redirects;
      d.log(0, "recording redirected to " + rc::strip_query(url));
    }
    if (res.aborted && bad_type.empty() && range_problem.empty() && res.error.empty())
      throw Error(ErrorCode::kIo, "cannot write " + path + ".part: " + std::strerror(errno));
    if (!bad_type.empty())
      throw ValidationError("the recording's content type is " + bad_type + ", not audio/mpeg or audio/wav",
                            ErrorCode::kInvalidArgument);
    if (!range_problem.empty())
      throw HttpError("the server answered a Range request with Content-Range '" + range_problem + "'", 206);
    if (res.status == 404 && res.curl_code == 0) {
      d.log(1, "recording " + rc::strip_query(first) + " is not available (404)");
      return out;  // available = false; the part file is removed
    }
    bool got_some = (res.status == 200 || res.status == 206) && part.size() > 0;
    if (res.curl_code != 0 && !res.aborted && got_some && (res.partial || res.timed_out) &&
        attempt < d.opt.max_retries) {
      ++attempt;
      ++out.resumed;
      d.log(1, "recording transfer cut off after " + std::to_string(part.size()) + " bytes; resuming with Range");
      continue;
    }
    if (d.should_retry(call, res, group, token, attempt, replayed)) continue;
    if (res.status == 416 && part.size() > 0) {  // asked past the end: it was complete already
      std::string cr = rc::header(res.headers, "content-range");
      std::size_t slash = cr.find('/');
      if (slash == std::string::npos || std::atoll(cr.c_str() + slash + 1) != part.size())
        d.fail(call, res);
    } else if (res.status < 200 || res.status >= 300) {
      d.fail(call, res);
    }
    out.bytes = part.size();
    part.commit(path);
    out.available = true;
    return out;
  }
}

std::optional<std::string> RingCentralClient::fetch_insights(const std::string& recording_id,
                                                             const std::string& telephony_session_id) {
  Impl& d = *impl_;
  if (recording_id.empty() && telephony_session_id.empty())
    throw ValidationError("a recording id or telephony session id is required", ErrorCode::kInvalidArgument);
  std::string key = recording_id.empty() ? "sessions/" + telephony_session_id : "records/" + recording_id;
  auto now = d.now();
  {
    std::lock_guard<std::mutex> g(d.unavailable_mutex);
    auto it = d.unavailable.find(key);
    if (it != d.unavailable.end() && it->second > now) return std::nullopt;
  }
  rc::Call c;
  c.group = "Light";
  c.allow_404 = c.allow_403 = true;
  c.url = d.platform_url("/ai/ringsense/v1/public/accounts/~/domains/pbx/" +
                         (recording_id.empty() ? "sessions/" + rc::url_encode(telephony_session_id)
                                               : "records/" + rc::url_encode(recording_id)) +
                         "/insights");
  rc::HttpResponse res = d.call(c);
  if (res.status == 403 || res.status == 404) {
    d.log(1, "no ACE transcript for " + key + " (HTTP " + std::to_string(res.status) + ")");
    std::lock_guard<std::mutex> g(d.unavailable_mutex);
    if (d.unavailable.size() > 10000) d.unavailable.clear();
    d.unavailable[key] = now + d.opt.unavailable_ttl;
    return std::nullopt;
  }
  return res.body;
}

}  // namespace switchboard
