// The one C++ file: registers rooflab's C cases with Google Benchmark.
#include "harness/rl_gbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

void run_case(benchmark::State &state, const rl_gb_case *c)
{
    if (c->skip_reason) {
        state.SkipWithError(c->skip_reason);
        for (auto _ : state) {
        }
        return;
    }
    for (auto _ : state) {
        double seconds = 0.0;
        rl_err err{};
        if (c->sample(c->ctx, &seconds, &err) != RL_OK) {
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

benchmark::internal::Benchmark *register_case(const rl_gb_case *c)
{
    auto *b = benchmark::RegisterBenchmark(c->name, run_case, c);
    b->UseManualTime()->Unit(benchmark::kMillisecond);
    if (c->iterations > 0)
        b->Iterations(c->iterations);
    if (c->repetitions > 0)
        b->Repetitions(c->repetitions);
    return b;
}

// Collects what Google Benchmark reports for the one case being run and
// prints nothing: `rooflab run` draws its own progress and tables.
class QuietReporter : public benchmark::BenchmarkReporter {
  public:
    bool ReportContext(const Context &) override { return true; }
    void ReportRuns(const std::vector<Run> &runs) override
    {
        for (const Run &r : runs)
            if (r.error_occurred && error.empty())
                error = r.error_message;
    }
    std::string error;
};

} // namespace

extern "C" rl_status rl_gb_run_case(const rl_gb_case *c, rl_err *err)
{
    benchmark::ClearRegisteredBenchmarks();
    register_case(c);
    QuietReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    if (!reporter.error.empty())
        return rl_fail(err, RL_ERR_DEVICE, "%s", reporter.error.c_str());
    return RL_OK;
}

extern "C" int rl_gb_main(int argc, char **argv, const rl_gb_case *cases, int count)
{
    benchmark::ClearRegisteredBenchmarks();
    for (int i = 0; i < count; i++)
        register_case(&cases[i]);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    benchmark::ClearRegisteredBenchmarks();
    return 0;
}
