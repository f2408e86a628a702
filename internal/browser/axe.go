package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// AxePath is where axe-core's browser build sits below the repo root after
// `npm install --no-save axe-core@4`.
const AxePath = "node_modules/axe-core/axe.min.js"

var defaultAxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Violation is one failed axe-core rule.
type Violation struct {
	ID      string          `json:"id"`     // rule, e.g. "image-alt"
	Impact  string          `json:"impact"` // minor, moderate, serious or critical
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that fails a rule.
type ViolationNode struct {
	// Target holds one selector per element path; a selector into a shadow
	// root or an iframe is its parts joined with " >>> ".
	Target         []string `json:"-"`
	HTML           string   `json:"html"`
	FailureSummary string   `json:"failureSummary"`
}

// UnmarshalJSON flattens axe's target, whose entries are a selector or, for
// shadow DOM, a list of selectors.
func (n *ViolationNode) UnmarshalJSON(data []byte) error {
	type plain ViolationNode
	var v struct {
		plain
		Target []json.RawMessage `json:"target"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*n = ViolationNode(v.plain)
	for _, raw := range v.Target {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			n.Target = append(n.Target, s)
			continue
		}
		var parts []string
		if err := json.Unmarshal(raw, &parts); err != nil {
			return fmt.Errorf("axe target %s: %v", raw, err)
		}
		n.Target = append(n.Target, strings.Join(parts, " >>> "))
	}
	return nil
}

// String is a one-line summary for test failures.
func (v Violation) String() string {
	var targets []string
	for _, n := range v.Nodes {
		targets = append(targets, strings.Join(n.Target, ", "))
	}
	return fmt.Sprintf("%s (%s): %s [%s] %s", v.ID, v.Impact, v.Help, strings.Join(targets, "; "), v.HelpURL)
}

var axeSource = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, AxePath))
		if err == nil {
			return string(b), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoAxe
		}
		dir = parent
	}
})

// AxeSource returns axe-core's browser build, found as AxePath in the
// working directory or the nearest parent that has it (the repo root, for a
// test running in its package directory).
func AxeSource() (string, error) { return axeSource() }

// InjectAxe loads axe-core into the current page. With JavaScript disabled
// the code is defined but cannot run until Axe briefly enables scripts.
func (b *Browser) InjectAxe() {
	b.t.Helper()
	src, err := AxeSource()
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	run(b, "injecting axe-core", chromedp.Evaluate[chromedp.Void](src+"\n;void 0"))
}

// Axe runs axe-core on the first element matching selector (the whole
// document when selector is empty), injecting axe-core first if the page
// lacks it, and returns the violations of the rules tagged with the AxeTags
// option. An error means axe could not run: axe-core is not installed, no
// element matches, or the browser failed.
//
// With JavaScriptDisabled, Axe enables script execution for its own run:
// axe-core awaits promises and timers, which do not fire while scripts are
// off. The page's scripts never ran at load, so they cannot react meanwhile.
func (b *Browser) Axe(selector string) ([]Violation, error) {
	if b.cfg.jsDisabled {
		if err := b.setScriptsDisabled(false); err != nil {
			return nil, err
		}
		defer func() {
			if err := b.setScriptsDisabled(true); err != nil {
				b.t.Errorf("browser: %v", err)
			}
		}()
	}
	present, err := evalWithTimeout[bool](b, `typeof window.axe === "object" && typeof window.axe.run === "function"`)
	if err != nil {
		return nil, err
	}
	if !present {
		src, err := AxeSource()
		if err != nil {
			return nil, err
		}
		if _, err := evalWithTimeout[chromedp.Void](b, src+"\n;void 0"); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	sel, _ := json.Marshal(selector)
	tags, _ := json.Marshal(b.cfg.axeTags)
	res, err := evalWithTimeout[struct {
		Error      string      `json:"error"`
		Violations []Violation `json:"violations"`
	}](b, fmt.Sprintf(`(async () => {
	const sel = %s;
	const ctx = sel === "" ? document : document.querySelector(sel);
	if (!ctx) return {error: "no element matches " + sel};
	const r = await axe.run(ctx, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]});
	return {violations: r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
	}))};
})()`, sel, tags))
	if err != nil {
		return nil, fmt.Errorf("running axe: %w", err)
	}
	if res.Error != "" {
		return nil, fmt.Errorf("axe: %s", res.Error)
	}
	return res.Violations, nil
}

// evalWithTimeout evaluates js, awaiting a promise, under the call timeout.
func evalWithTimeout[T any](b *Browser, js string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

func (b *Browser) setScriptsDisabled(disabled bool) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled}); err != nil {
		return fmt.Errorf("setting script execution disabled=%v: %w", disabled, err)
	}
	return nil
}
