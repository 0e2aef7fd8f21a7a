//! The EC2 instance types an LMI capacity provider runs on: their size (vCPUs, memory) and their
//! on-demand price, with where each default price was read. A price no readable source confirmed
//! has no default: `--instance-price` is then required, and the error says so.
//!
//! Sizes: the EC2 instance type specifications (<https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html>,
//! `gp.html`): c7g/c8g have 2 GiB per vCPU, m7g/m8g 4 GiB; `large` is 2 vCPUs, `xlarge` 4.
//!
//! Default prices: Linux on-demand, US East (N. Virginia), read 2026-12-07:
//!
//! | type | $/h | source |
//! |---|---|---|
//! | c7g.xlarge | 0.1450 | AWS's LMI pricing calculator, [`CALCULATOR`] `INSTANCE_TYPES` |
//! | m7g.xlarge | 0.1632 | the same |
//! | c7g.large | 0.0725 | [`VANTAGE_SNAPSHOT`]; half of the calculator's c7g.xlarge |
//! | m7g.large | 0.0816 | [`FACTUALMINDS`] (us-east-1, June 2026); half of the calculator's m7g.xlarge |
//! | c8g.*, m8g.* | none | the third-party figures found disagree (c8g.large 0.0798, 0.076, 0.087) |

use serde::{Deserialize, Serialize};

/// AWS's LMI pricing calculator: aws-samples/sample-aws-lambda-managed-instances,
/// tools/pricing-calculator/web/src/utils/calculator.js at commit 6934a80 (2026-03-19).
pub const CALCULATOR: &str = "https://github.com/aws-samples/sample-aws-lambda-managed-instances/blob/6934a8046053ce5e22959d3ee55f8ce0de430f67/tools/pricing-calculator/web/src/utils/calculator.js";
/// A snapshot of instances.vantage.sh in MaterializeInc/materialize,
/// misc/python/materialize/buildkite_insights/costs/extract_stats.py.
pub const VANTAGE_SNAPSHOT: &str = "https://github.com/MaterializeInc/materialize/blob/main/misc/python/materialize/buildkite_insights/costs/extract_stats.py (instances.vantage.sh)";
/// "Amazon EC2 On-Demand Pricing: Instance Families, Regional Multipliers, and the Graviton
/// Crossover (2026)", 2026-06-17.
pub const FACTUALMINDS: &str =
    "https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/";
/// The region the default prices are for.
pub const DEFAULT_PRICE_REGION: &str = "us-east-1";
/// When the default prices were read.
pub const PRICES_READ: &str = "2026-12-07";

/// An instance type with the price it is charged at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceType {
    pub name: String,
    pub vcpus: u32,
    pub memory_gib: u32,
    /// On-demand $ per hour (before any Savings Plan).
    pub on_demand_per_hour: f64,
    /// Where the price comes from.
    pub price_source: String,
}

/// Size of a known type: (vCPUs, GiB).
pub fn known_size(name: &str) -> Option<(u32, u32)> {
    let (family, size) = name.split_once('.')?;
    let per_vcpu = match family {
        "c7g" | "c8g" => 2,
        "m7g" | "m8g" => 4,
        _ => return None,
    };
    let vcpus = match size {
        "large" => 2,
        "xlarge" => 4,
        _ => return None,
    };
    Some((vcpus, vcpus * per_vcpu))
}

/// The default us-east-1 on-demand price of a type, and its source, if one was confirmed.
pub fn default_price(name: &str) -> Option<(f64, &'static str)> {
    match name {
        "c7g.xlarge" => Some((0.1450, CALCULATOR)),
        "m7g.xlarge" => Some((0.1632, CALCULATOR)),
        "c7g.large" => Some((0.0725, VANTAGE_SNAPSHOT)),
        "m7g.large" => Some((0.0816, FACTUALMINDS)),
        _ => None,
    }
}

/// What the command line says about the instance type.
#[derive(Debug, Clone, Default)]
pub struct InstanceChoice {
    pub name: String,
    pub region: String,
    pub price_per_hour: Option<f64>,
    pub vcpus: Option<u32>,
    pub memory_gib: Option<u32>,
}

/// The instance type with its size and price: flags first, then the defaults; an error that
/// names the missing flag otherwise.
pub fn resolve(choice: &InstanceChoice) -> Result<InstanceType, String> {
    let known = known_size(&choice.name);
    let vcpus = choice.vcpus.or(known.map(|k| k.0)).ok_or_else(|| {
        format!(
            "--instance-type {}: size unknown here (c7g, c8g, m7g, m8g large and xlarge are known): \
             give --instance-vcpus and --instance-memory",
            choice.name
        )
    })?;
    let memory_gib = choice.memory_gib.or(known.map(|k| k.1)).ok_or_else(|| {
        format!(
            "--instance-type {}: give --instance-memory (GiB) as well",
            choice.name
        )
    })?;
    if vcpus < 2 || memory_gib < 2 {
        return Err(format!(
            "--instance-type {}: {vcpus} vCPUs, {memory_gib} GiB leaves nothing once the OS has 1 vCPU and 1 GiB",
            choice.name
        ));
    }
    let (on_demand_per_hour, price_source) = match choice.price_per_hour {
        Some(price) if price.is_finite() && price > 0.0 => {
            (price, "given on the command line".to_owned())
        }
        Some(price) => {
            return Err(format!(
                "--instance-price {price}: must be a positive $ per hour"
            ))
        }
        None => {
            let default = (choice.region == DEFAULT_PRICE_REGION)
                .then(|| default_price(&choice.name))
                .flatten();
            match default {
                Some((price, source)) => (price, format!("{source}, read {PRICES_READ}")),
                None if choice.region != DEFAULT_PRICE_REGION => {
                    return Err(format!(
                        "--region {}: default prices are {DEFAULT_PRICE_REGION}'s only: give --instance-price \
                         (on-demand $ per hour of {} there)",
                        choice.region, choice.name
                    ))
                }
                None => {
                    return Err(format!(
                        "--instance-type {}: no default price (no source read here confirms one): give \
                         --instance-price (on-demand $ per hour in {})",
                        choice.name, choice.region
                    ))
                }
            }
        }
    };
    Ok(InstanceType {
        name: choice.name.clone(),
        vcpus,
        memory_gib,
        on_demand_per_hour,
        price_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(name: &str) -> InstanceChoice {
        InstanceChoice {
            name: name.into(),
            region: "us-east-1".into(),
            ..InstanceChoice::default()
        }
    }

    #[test]
    fn sizes_of_the_graviton_types() {
        assert_eq!(known_size("c7g.large"), Some((2, 4)));
        assert_eq!(known_size("c8g.xlarge"), Some((4, 8)));
        assert_eq!(known_size("m7g.large"), Some((2, 8)));
        assert_eq!(known_size("m8g.xlarge"), Some((4, 16)));
        assert_eq!(known_size("r7g.large"), None);
        assert_eq!(known_size("c7g.2xlarge"), None);
    }

    #[test]
    fn defaults_carry_their_source_and_unconfirmed_types_have_none() {
        let c = resolve(&choice("c7g.xlarge")).unwrap();
        assert_eq!((c.vcpus, c.memory_gib, c.on_demand_per_hour), (4, 8, 0.145));
        assert!(c
            .price_source
            .contains("sample-aws-lambda-managed-instances"));
        assert!(c.price_source.ends_with("read 2026-12-07"));
        assert_eq!(
            resolve(&choice("m7g.large")).unwrap().on_demand_per_hour,
            0.0816
        );
        for unconfirmed in ["c8g.large", "c8g.xlarge", "m8g.large", "m8g.xlarge"] {
            let err = resolve(&choice(unconfirmed)).unwrap_err();
            assert!(err.contains("no default price"), "{err}");
            assert!(err.contains("--instance-price"), "{err}");
            let priced = resolve(&InstanceChoice {
                price_per_hour: Some(0.1),
                ..choice(unconfirmed)
            })
            .unwrap();
            assert_eq!(priced.price_source, "given on the command line");
        }
    }

    #[test]
    fn other_regions_and_unknown_types_need_flags() {
        let err = resolve(&InstanceChoice {
            region: "eu-west-1".into(),
            ..choice("c7g.xlarge")
        })
        .unwrap_err();
        assert!(
            err.starts_with("--region eu-west-1: default prices are us-east-1's only"),
            "{err}"
        );
        let err = resolve(&choice("r7g.large")).unwrap_err();
        assert!(err.contains("--instance-vcpus"), "{err}");
        let r7g = resolve(&InstanceChoice {
            vcpus: Some(2),
            memory_gib: Some(16),
            price_per_hour: Some(0.1071),
            ..choice("r7g.large")
        })
        .unwrap();
        assert_eq!((r7g.vcpus, r7g.memory_gib), (2, 16));
        let err = resolve(&InstanceChoice {
            price_per_hour: Some(-1.0),
            ..choice("c7g.large")
        })
        .unwrap_err();
        assert!(err.contains("must be a positive"), "{err}");
    }
}
