// The fetch stage's CLI commands (registered in stages/fetch/register.cc).
//
//   sluice fetch URL [--preset trs|gxzf|hanweb|govcn] [--pattern RE] [--selector SEL] [--json] …
//       fetches one URL through the same client, politeness and decoding as the crawler and prints
//       status, final URL, charset, size, links, the articles a preset would take, attachments,
//       challenge detection and the document id. Exit 0, 1 on a fetch error or challenge, 64 on
//       a usage error.
//   sluice demo-site [--host H] [--port N] [--publish-every 5s] [--print-config]
//       serves the bundled demo bureau website until SIGINT/SIGTERM.
//
// Thread safety: each runs its own io_context on the calling thread.
#pragma once

namespace sluice::fetch {

int RunFetchCommand(int argc, char** argv);
int RunDemoSiteCommand(int argc, char** argv);

}  // namespace sluice::fetch
