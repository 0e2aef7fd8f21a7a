module transactions-lambda/contenders/go

go 1.24

require github.com/aws/aws-lambda-go v1.53.0
