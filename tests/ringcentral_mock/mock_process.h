// The project's mock RingCentral (this folder, Python standard library) as a child process
// for C++ tests and benchmarks: started on loopback with ephemeral ports, driven through its
// control API, gone when this object dies (it exits when its stdin closes).
// Needs SWITCHBOARD_SOURCE_DIR and SWITCHBOARD_PYTHON defined by the build (source_paths.h).
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "ringcentral/ringcentral_internal.h"
#include "source_paths.h"

extern char** environ;

namespace ringcentral_mock {

using json = nlohmann::json;

/// One thread at a time. The mock as a child process; it exits when our end of its stdin
/// closes.
class MockProcess {
 public:
  MockProcess() {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::string python = SWITCHBOARD_PYTHON[0] ? SWITCHBOARD_PYTHON : "python3";
    std::string pypath = "PYTHONPATH=" + std::string(SWITCHBOARD_SOURCE_DIR) + "/tests";
    std::vector<std::string> env_strings{pypath};
    for (char** e = environ; *e; ++e)
      if (std::string(*e).rfind("PYTHONPATH=", 0) != 0) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args{python, "-m", "ringcentral_mock", "--watch-stdin"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, python.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0)
      throw std::runtime_error("cannot start the RingCentral mock with " + python);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    FILE* f = fdopen(out[0], "r");
    char line[512] = {0};
    if (!f || !std::fgets(line, sizeof line, f)) throw std::runtime_error("the RingCentral mock did not start");
    std::fclose(f);
    char platform[256] = {0}, media[256] = {0};
    if (std::sscanf(line, "READY %255s %255s", platform, media) != 2)
      throw std::runtime_error(std::string("unexpected mock output: ") + line);
    platform_ = platform;
    media_ = media;
  }
  ~MockProcess() {
    close(stdin_);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) return;
      usleep(20000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  const std::string& platform() const { return platform_; }
  const std::string& media() const { return media_; }

  json control(const std::string& what, const json& body = json::object(), const char* method = "POST") {
    switchboard::rc::HttpRequest r;
    r.method = method;
    r.url = platform_ + "/__mock__/" + what;
    if (std::string(method) == "POST") {
      r.body = body.dump();
      r.headers = {"Content-Type: application/json"};
    }
    auto res = transport_.perform(r);
    if (res.status != 200) throw std::runtime_error("mock control " + what + " failed: " + res.body);
    return json::parse(res.body);
  }
  void reset() { control("reset"); }
  json state() { return control("state", json::object(), "GET"); }
  void fault(const json& f) { control("fault", f); }
  void configure(const json& c) { control("config", c); }
  /// GET without following redirects (for the authorize endpoint).
  switchboard::rc::HttpResponse get(const std::string& url) {
    switchboard::rc::HttpRequest r;
    r.url = url;
    return transport_.perform(r);
  }

 private:
  pid_t pid_ = 0;
  int stdin_ = -1;
  std::string platform_, media_;
  switchboard::rc::HttpTransport transport_;
};

}  // namespace ringcentral_mock
