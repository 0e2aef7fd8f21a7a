// The published Go contender, reproduced: the same job as the Rust function (keep CREDIT, total,
// sign the IDs), written the way the published handler is, float64 sum and no input validation
// included, so that its speed, memory and answers are measured against ours in one run (README,
// "Measured figures"). Not shipped; built by scripts/build-go.sh.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type transaction struct {
	ID     string  `json:"id"`
	Amount float64 `json:"amount"`
	Type   string  `json:"type"`
}

type request struct {
	RequestID    string        `json:"requestId"`
	Transactions []transaction `json:"transactions"`
}

type response struct {
	Status      string  `json:"status"`
	TotalCredit float64 `json:"totalCredit"`
	Signature   string  `json:"signature"`
	ProcessedAt string  `json:"processedAt"`
}

func handle(_ context.Context, req request) (response, error) {
	var total float64
	var ids strings.Builder
	for _, tx := range req.Transactions {
		if tx.Type == "CREDIT" {
			total += tx.Amount
			ids.WriteString(tx.ID)
		}
	}
	sum := sha256.Sum256([]byte(ids.String()))
	return response{
		Status:      "success",
		TotalCredit: total,
		Signature:   hex.EncodeToString(sum[:]),
		ProcessedAt: time.Now().UTC().Format(time.RFC3339),
	}, nil
}

func main() {
	lambda.Start(handle)
}
