// The one C++ file: registers rooflab's C cases with Google Benchmark.
#include "harness/rl_gbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <iostream>
#include <streambuf>
#include <string>
#include <vector>

namespace {

// A case and where its first error goes. The shim keeps the error itself
// rather than reading it back from the reporter's Run, whose fields were
// renamed in Google Benchmark 1.8 (error_occurred became skipped): so the
// shim builds against 1.6 (Ubuntu 22.04) through 1.9 alike.
struct CaseRun {
    const rl_gb_case *c;
    std::string error;
};

void run_case(benchmark::State &state, CaseRun *run)
{
    const rl_gb_case *c = run->c;
    if (c->skip_reason) {
        if (run->error.empty())
            run->error = c->skip_reason;
        state.SkipWithError(c->skip_reason);
        for (auto _ : state) {
        }
        return;
    }
    for (auto _ : state) {
        double seconds = 0.0;
        rl_err err{};
        if (c->sample(c->ctx, &seconds, &err) != RL_OK) {
            if (run->error.empty())
                run->error = err.msg;
            state.SkipWithError(err.msg);
            break;
        }
        state.SetIterationTime(seconds);
    }
    // Rates from the model's counts, divided by manual (device) time.
    state.counters["flop_per_s"] =
        benchmark::Counter(c->flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["byte_per_s"] =
        benchmark::Counter(c->bytes, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["intensity"] = c->bytes > 0 ? c->flops / c->bytes : 0.0;
}

benchmark::internal::Benchmark *register_case(CaseRun *run)
{
    const rl_gb_case *c = run->c;
    auto *b = benchmark::RegisterBenchmark(c->name, run_case, run);
    b->UseManualTime()->Unit(benchmark::kMillisecond);
    if (c->iterations > 0)
        b->Iterations(c->iterations);
    if (c->repetitions > 0)
        b->Repetitions(c->repetitions);
    return b;
}

// Prints nothing: `rooflab run` draws its own progress and tables.
class QuietReporter : public benchmark::BenchmarkReporter {
  public:
    bool ReportContext(const Context &) override { return true; }
    void ReportRuns(const std::vector<Run> &) override {}
};

// Debian's libbenchmark is built without NDEBUG, so its console reporter
// prints "***WARNING*** Library was built as DEBUG. Timings may be affected."
// on stderr; the library has no setting for it. It does not apply to rooflab:
// every time is manual, taken by the backend's own clock around the call, so
// the library's own assertions never sit inside a timed region. This filter
// drops that one line from stderr while Google Benchmark runs; the JSON
// context still records "library_build_type": "debug".
class DropDebugBanner : public std::streambuf {
  public:
    explicit DropDebugBanner(std::streambuf *dest) : dest_(dest) {}
    ~DropDebugBanner() override { flush_line(); }

  protected:
    int_type overflow(int_type c) override
    {
        if (traits_type::eq_int_type(c, traits_type::eof()))
            return traits_type::not_eof(c);
        line_.push_back(traits_type::to_char_type(c));
        if (c == '\n')
            flush_line();
        return c;
    }
    int sync() override { return dest_->pubsync(); }

  private:
    void flush_line()
    {
        static const char banner[] = "***WARNING*** Library was built as DEBUG";
        if (line_.compare(0, sizeof banner - 1, banner) != 0)
            dest_->sputn(line_.data(), static_cast<std::streamsize>(line_.size()));
        line_.clear();
    }
    std::streambuf *dest_;
    std::string line_;
};

} // namespace

extern "C" rl_status rl_gb_run_case(const rl_gb_case *c, rl_err *err)
{
    benchmark::ClearRegisteredBenchmarks();
    CaseRun run{c, std::string()};
    register_case(&run);
    QuietReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    if (!run.error.empty())
        return rl_fail(err, RL_ERR_DEVICE, "%s", run.error.c_str());
    return RL_OK;
}

extern "C" int rl_gb_main(int argc, char **argv, const rl_gb_case *cases, int count)
{
    benchmark::ClearRegisteredBenchmarks();
    std::vector<CaseRun> runs;
    runs.reserve((size_t)(count > 0 ? count : 0));
    for (int i = 0; i < count; i++)
        runs.push_back(CaseRun{&cases[i], std::string()});
    for (CaseRun &run : runs)
        register_case(&run);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    {
        DropDebugBanner filter(std::cerr.rdbuf());
        std::streambuf *stderr_buf = std::cerr.rdbuf(&filter);
        benchmark::RunSpecifiedBenchmarks();
        std::cerr.rdbuf(stderr_buf);
    }
    benchmark::Shutdown();
    benchmark::ClearRegisteredBenchmarks();
    return 0;
}
