package consent

import (
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// blockListCategory is the category of a block_list without one: the lists
// operators bring are mostly of ads and tracking.
const blockListCategory = "marketing"

// withBlockLists reads the block_list files into c's host matcher.
func (h *Handler) withBlockLists(c *catalog.Catalog) (*catalog.Catalog, error) {
	lists := make([]catalog.HostList, 0, len(h.BlockLists))
	for _, bl := range h.BlockLists {
		name := bl.Category
		if name == "" {
			name = blockListCategory
		}
		cat, err := parseBlockCategory(name)
		if err != nil {
			return nil, fmt.Errorf("block_list %s: %v", bl.File, err)
		}
		f, err := os.Open(bl.File)
		if err != nil {
			return nil, fmt.Errorf("block_list: %v", err)
		}
		hosts, skipped, first, err := catalog.ParseHostList(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("block_list %s: %v", bl.File, err)
		}
		if h.logger != nil {
			h.logger.Info("block list loaded", zap.String("file", bl.File), zap.Int("hosts", len(hosts)),
				zap.Int("lines_skipped", skipped), zap.Int("first_skipped_line", first))
		}
		lists = append(lists, catalog.HostList{Name: filepath.Base(bl.File), Category: cat, Hosts: hosts})
	}
	return c.WithLists(lists...)
}

// checkBlockList is the Caddyfile's early check of a block_list: the file
// must be readable and the category one a block rule may use.
func checkBlockList(file, category string) error {
	if _, err := parseBlockCategory(category); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	return f.Close()
}
