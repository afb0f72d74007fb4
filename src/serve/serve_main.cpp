// The serving loop of `finml serve`: start the server, then wait for signals.
#include <pthread.h>

#include <csignal>
#include <cstdio>

#include "finml/models/deep.hpp"
#include "finml/serve/options.hpp"
#include "finml/serve/server.hpp"

extern "C" int finml_serve_run(const finml::serve::ServeOptions& options, int torch_threads) {
  using namespace finml;
  // Signals are taken by sigwait below: blocked here, before any thread starts, so every thread
  // inherits the mask and none is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client hanging up mid-answer is not the server's end

  models::SetTorchThreads(torch_threads);
  serve::Server server(options);
  server.Start();
  std::fflush(stderr);
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      server.ReopenAuditLog();
      try {
        const auto summary = server.models().Reload(true);
        std::fprintf(stderr, "finml serve: SIGHUP reload: %s\n", summary.ToJson().dump().c_str());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "finml serve: SIGHUP reload failed: %s\n", e.what());
      }
      continue;
    }
    std::fprintf(stderr, "finml serve: %s received; finishing requests in flight\n",
                 signal == SIGINT ? "SIGINT" : "SIGTERM");
    break;
  }
  server.Stop();
  std::fprintf(stderr, "finml serve: stopped\n");
  return 0;
}
