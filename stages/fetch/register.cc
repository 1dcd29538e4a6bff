// Registers the fetch stage's sources (`fetch`, `warc`) and commands (`fetch`, `demo-site`).
#include "sluice/fetch/commands.h"
#include "sluice/fetch/crawler.h"
#include "sluice/fetch/warc_source.h"
#include "sluice/registry.h"

namespace sluice {

void RegisterFetchStage(Registry& registry) {
  registry.AddSource("fetch", [](const SourceFactoryArgs& args, std::unique_ptr<Source>* out) {
    fetch::FetchOptions options;
    SLUICE_RETURN_IF_ERROR(fetch::FetchOptions::FromConfig(args.config, args.config_dir, args.data_dir, &options));
    *out = std::make_unique<fetch::FetchSource>(std::move(options));
    return Status::OK();
  });
  registry.AddSource("warc", [](const SourceFactoryArgs& args, std::unique_ptr<Source>* out) {
    fetch::WarcSourceOptions options;
    SLUICE_RETURN_IF_ERROR(fetch::WarcSourceOptions::FromConfig(args.config, args.config_dir, &options));
    *out = std::make_unique<fetch::WarcSource>(std::move(options));
    return Status::OK();
  });
  registry.AddCommand("fetch", "fetch one URL as the fetch stage would and print what it would emit", fetch::RunFetchCommand);
  registry.AddCommand("demo-site", "serve the bundled demo bureau website (publishes a notice every few seconds)",
                      fetch::RunDemoSiteCommand);
}

}  // namespace sluice
