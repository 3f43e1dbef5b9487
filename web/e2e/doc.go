// Package e2e holds Rudder's browser end-to-end tests: they boot the whole
// server (internal/apitest) with the UI embedded, drive Chromium through
// chromedp the way a person would (clicks, typing, dropdowns) and check both
// what the page shows and what the server stored.
//
// Chromium comes from RUDDER_TEST_CHROMIUM or /usr/bin/chromium, and the UI
// must have been built into web/embedded/dist before the test binary was
// compiled (`make ui`). Without them the tests skip, unless
// RUDDER_TEST_REQUIRE_BROWSER=1 (as `make test` sets), when they fail.
// RUDDER_E2E_ARTIFACTS names a directory for screenshots of failed tests
// (and, with RUDDER_E2E_STEPS=1, of the steps the tests mark with snap).
package e2e
