function __tau-node_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tau-node_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __tau-node_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tau-node_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __tau-node_parse_tokens -S
    set -l unparsed_tokens (__tau-node_tokens -pc)
    switch $unparsed_tokens[1]
    case 'tau-node'
        __tau-node_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __tau-node_parse_subcommand 0 'home=' 'json' 'passphrase-file=' 'name=' 'public-url=' 'restore-keystore=' 'restore-log=' 'version' 'h/help'
        case 'id'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __tau-node_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            case 'rotate'
                __tau-node_parse_subcommand 0 'home=' 'json' 'passphrase-file=' 'version' 'h/help'
            case 'revoke'
                __tau-node_parse_subcommand 0 'home=' 'json' 'passphrase-file=' 'y/yes' 'version' 'h/help'
            case 'resolve'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version-id=' 'version-time=' 'source=+' 'fresh' 'version' 'h/help'
            case 'sign'
                __tau-node_parse_subcommand 1 'home=' 'json' 'passphrase-file=' 'version' 'h/help'
            case 'verify'
                __tau-node_parse_subcommand 1 'home=' 'json' 'signature=' 'did=' 'version-id=' 'at=' 'source=+' 'version' 'h/help'
            case 'export-log'
                __tau-node_parse_subcommand 0 'home=' 'json' 'o/output=' 'version' 'h/help'
            case 'change-passphrase'
                __tau-node_parse_subcommand 0 'home=' 'json' 'passphrase-file=' 'new-passphrase-file=' 'version' 'h/help'
            end
        case 'serve'
            __tau-node_parse_subcommand 0 'home=' 'json' 'passphrase-file=' 'peer=+' 'host=' 'port=' 'source=+' 'log-level=' 'version' 'h/help'
        case 'peer'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __tau-node_parse_subcommand 1 'home=' 'json' 'passphrase-file=' 'version' 'h/help'
            case 'list'
                __tau-node_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            case 'show'
                __tau-node_parse_subcommand 1 'home=' 'json' 'limit=' 'version' 'h/help'
            case 'remove'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            end
        case 'send-ping'
            __tau-node_parse_subcommand 1 'home=' 'json' 'passphrase-file=' 'version' 'h/help'
        case 'keys'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __tau-node_parse_subcommand 0 'home=' 'json' 'name=' 'budget=' 'rpm=' 'models=' 'version' 'h/help'
            case 'list'
                __tau-node_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            case 'revoke'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            end
        case 'models'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __tau-node_parse_subcommand 0 'home=' 'json' 'provider=' 'include-deprecated' 'version' 'h/help'
            case 'show'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            case 'refresh'
                __tau-node_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            end
        case 'usage'
            __tau-node_parse_subcommand 0 'home=' 'json' 'key=' 'session=' 'last=' 'version' 'h/help'
        case 'run'
            __tau-node_parse_subcommand 1 'home=' 'json' 'model=' 'session=' 'continue' 'workspace=' 'max-turns=' 'approval=' 'version' 'h/help'
        case 'chat'
            __tau-node_parse_subcommand 0 'home=' 'json' 'model=' 'session=' 'continue' 'workspace=' 'version' 'h/help'
        case 'sessions'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __tau-node_parse_subcommand 0 'home=' 'json' 'limit=' 'version' 'h/help'
            case 'show'
                __tau-node_parse_subcommand 1 'home=' 'json' 'tree' 'version' 'h/help'
            case 'branch'
                __tau-node_parse_subcommand 2 'home=' 'json' 'version' 'h/help'
            case 'export'
                __tau-node_parse_subcommand 1 'home=' 'json' 'o/output=' 'version' 'h/help'
            case 'import'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            case 'rm'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            end
        case 'audit'
            __tau-node_parse_subcommand 0 'home=' 'json' 'since=' 'kind=' 'session=' 'limit=' 'version' 'h/help'
        case 'wallet'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'balance'
                __tau-node_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            case 'history'
                __tau-node_parse_subcommand 0 'home=' 'json' 'limit=' 'escrow=' 'version' 'h/help'
            case 'credit'
                __tau-node_parse_subcommand 1 'home=' 'json' 'key=' 'memo=' 'version' 'h/help'
            end
        case 'escrow'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __tau-node_parse_subcommand 0 'home=' 'json' 'limit=' 'version' 'h/help'
            case 'show'
                __tau-node_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            end
        case 'receipts'
            __tau-node_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'verify'
                __tau-node_parse_subcommand 1 'json' 'version' 'h/help'
            end
        case 'help'
            __tau-node_parse_subcommand -r 1 'version'
        end
    end
end

function __tau-node_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __tau-node_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __tau-node_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __tau-node_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__tau-node_tokens -p)
    if test -z "$(__tau-node_tokens -t)"
        set -l index (count (__tau-node_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'tau-node' -f
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'init' -d 'Create a node home with a new did:tau identity.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'id' -d 'Inspect, rotate, revoke, resolve and sign with the node\'s DID.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'serve' -d 'Run the node daemon (HTTP on 127.0.0.1:7420 by default).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'peer' -d 'Manage the nodes this node gossips with.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'send-ping' -d 'Check a peer end to end: a signed ping to its inbox, a verified signed pong back.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'keys' -d 'Manage API keys of the model gateway (/v1/chat/completions).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'models' -d 'Show the model catalog and refresh it from a remote list.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'usage' -d 'Show model calls with their tokens and cost, and totals per API key or session.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'run' -d 'Run the agent once on a prompt, in a workspace.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'chat' -d 'Talk with the agent in the terminal, turn after turn, in one session.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'sessions' -d 'List, show, branch, export, import and delete the agent\'s sessions.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'audit' -d 'Show the agent\'s audit log: blocked and throttled tool calls, approvals, redactions, injections, refused paths.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'wallet' -d 'The node\'s credits: balance, history, and operator top-ups.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'escrow' -d 'The escrows this node pays or is paid through.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'receipts' -d 'Check the signed receipts of an escrow.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" name' -l 'name' -d 'A human label for this node, written to config.toml.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" public-url' -l 'public-url' -d 'URL other nodes reach this node at, published in the DID document.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" restore-keystore' -l 'restore-keystore' -d 'Restore from this keystore backup instead of creating a new identity.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" restore-log' -l 'restore-log' -d 'The exported DID log (tau-node id export-log) that goes with --restore-keystore.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'show' -d 'Show the node\'s DID, current keys and log version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'rotate' -d 'Rotate every key of the node\'s DID; the DID itself stays the same.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'revoke' -d 'Deactivate the node\'s DID permanently.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'resolve' -d 'Resolve a DID (did:tau, did:key, did:web) and print its document and metadata.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'sign' -d 'Sign a file with the node\'s current signing key (detached Ed25519 signature).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'verify' -d 'Verify a detached signature over a file against a DID.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'export-log' -d 'Write the node\'s did:tau log as JSON Lines (for backups and publishing).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node id" -eq 1' -fa 'change-passphrase' -d 'Re-seal the keystore under a new passphrase.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id show" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id show" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id show" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id rotate" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id rotate" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id rotate" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id rotate" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id rotate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" y yes' -s 'y' -l 'yes' -d 'Do not ask for confirmation.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" version-id' -l 'version-id' -d 'Resolve this version: N or N-<hash>.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" version-time' -l 'version-time' -d 'Resolve the version current at this RFC 3339 time.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve"' -l 'source' -d 'A node to fetch did:tau logs from (repeatable).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" fresh' -l 'fresh' -d 'Ask the sources now, even if this node checked them within [resolver] cache_ttl_seconds (to see a rotation or revocation at once).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id resolve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id sign" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id sign" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id sign" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id sign" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id sign" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" signature' -l 'signature' -d 'The signature (multibase z…, as printed by `id sign`).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" did' -l 'did' -d 'The DID that signed.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" version-id' -l 'version-id' -d 'Check against this DID version instead of the current one.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" at' -l 'at' -d 'Check against the version current at this RFC 3339 time.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify"' -l 'source' -d 'A node to fetch did:tau logs from (repeatable).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id export-log" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id export-log" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id export-log" o output' -s 'o' -l 'output' -d 'Write to this file (atomically) instead of standard output.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id export-log" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id export-log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" new-passphrase-file' -l 'new-passphrase-file' -d 'Read the new passphrase from this file (else $TAU_NEW_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node id change-passphrase" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve"' -l 'peer' -d 'A node to join the mesh through (repeatable).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" host' -l 'host' -d 'Address to bind (default: [server] host, else 127.0.0.1).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" port' -l 'port' -d 'Port to bind; 0 picks a free port (default: [server] port, else 7420).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve"' -l 'source' -d 'A node to ask for DID logs (repeatable).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical (default: $TAU_LOG_LEVEL, else info).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node peer" -eq 1' -fa 'add' -d 'Add the node at a URL as a peer, with a signed hello.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node peer" -eq 1' -fa 'list' -d 'List known peers and their state.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node peer" -eq 1' -fa 'show' -d 'One peer: its table entry, its reputation score and the evidence behind it.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node peer" -eq 1' -fa 'remove' -d 'Forget a peer.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer add" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer add" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer add" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer add" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer list" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer list" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer list" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer show" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer show" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer show" limit' -l 'limit' -d 'How many pieces of evidence to list.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer show" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer remove" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer remove" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer remove" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node peer remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node send-ping" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node send-ping" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node send-ping" passphrase-file' -l 'passphrase-file' -d 'Read the keystore passphrase from this file (else $TAU_PASSPHRASE, else a prompt).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node send-ping" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node send-ping" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node keys" -eq 1' -fa 'create' -d 'Create an API key and print its secret (shown only once).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node keys" -eq 1' -fa 'list' -d 'List API keys with their limits and spending.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node keys" -eq 1' -fa 'revoke' -d 'Revoke an API key; requests with it are refused from then on.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" name' -l 'name' -d 'A label for the key, e.g. the team or app using it.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" budget' -l 'budget' -d 'Spending limit in USD over the key\'s lifetime, e.g. 25 or 0.5.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" rpm' -l 'rpm' -d 'Requests per minute (token bucket).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" models' -l 'models' -d 'Comma-separated model names the key may call (aliases or catalog ids); all when omitted.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys list" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys list" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys list" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys revoke" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys revoke" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys revoke" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node keys revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node models" -eq 1' -fa 'list' -d 'List the models of the catalog.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node models" -eq 1' -fa 'show' -d 'Show every field of one catalog model.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node models" -eq 1' -fa 'refresh' -d 'Fetch the remote catalog ([catalog] url) into the cache.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" provider' -l 'provider' -d 'Only models served by this provider (openai, anthropic, gemini, openrouter, deepseek, xai, mistral, groq, local).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" include-deprecated' -l 'include-deprecated' -d 'Also list deprecated models.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models show" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models show" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models show" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models refresh" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models refresh" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models refresh" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node models refresh" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" key' -l 'key' -d 'Totals for one API key id.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" session' -l 'session' -d 'Totals for one session id (X-Tau-Session-ID header, or the request\'s `user`).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" last' -l 'last' -d 'How many recent calls to list.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node usage" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" model' -l 'model' -d 'The model: a [routes] alias or a catalog id (default: [agent] model, else the first provider with a key).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" session' -l 'session' -d 'Continue this session (ses_…).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" continue' -l 'continue' -d 'Continue the most recent session.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" workspace' -l 'workspace' -d 'The directory tools work in (default: the current directory).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" max-turns' -l 'max-turns' -d 'Most model calls in this run (default: [agent] max_turns, 40).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" approval' -l 'approval' -d 'When to ask before a tool runs: never, on-request or auto (default: the profile\'s). Without a terminal nobody can answer, so on-request refuses writes and shell commands (approval_required).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" model' -l 'model' -d 'The model: a [routes] alias or a catalog id (default: [agent] model, else the first provider with a key).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" session' -l 'session' -d 'Continue this session (ses_…).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" continue' -l 'continue' -d 'Continue the most recent session.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" workspace' -l 'workspace' -d 'The directory tools work in (default: the current directory).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node chat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'list' -d 'List sessions, the most recently updated first.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'show' -d 'Show a session\'s conversation up to its head (or every entry with --tree).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'branch' -d 'Move a session\'s head to an earlier entry, so the next run continues from there.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'export' -d 'Write a session as JSONL (a header line, then one line per entry).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'import' -d 'Store a session from a JSONL transcript (`sessions export`), with its ids.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node sessions" -eq 1' -fa 'rm' -d 'Delete a session and all its entries.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions list" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions list" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions list" limit' -l 'limit' -d 'How many sessions to list.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions list" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions show" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions show" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions show" tree' -l 'tree' -d 'Show every entry of every branch, indented by depth.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions show" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions branch" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions branch" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions branch" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions branch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions export" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions export" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions export" o output' -l 'output' -s 'o' -d 'Write to this file instead of standard output.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions export" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions import" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions import" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions import" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions rm" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions rm" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions rm" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node sessions rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" since' -l 'since' -d 'Events since a time ago (90s, 30m, 12h, 7d, 2w) or an RFC 3339 time.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" kind' -l 'kind' -d 'Only events of this kind.' -rfka 'tool_blocked tool_rate_limited redaction injection_flagged approval_granted approval_denied path_refused'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" session' -l 'session' -d 'Only events of this session id.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" limit' -l 'limit' -d 'Most events shown (the newest).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node wallet" -eq 1' -fa 'balance' -d 'What the node may spend, what it holds in escrow, and what it paid and earned.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node wallet" -eq 1' -fa 'history' -d 'Ledger entries, the most recent first.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node wallet" -eq 1' -fa 'credit' -d 'Add credits to the wallet (an operator top-up, for testing and demos).'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet balance" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet balance" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet balance" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet balance" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" limit' -l 'limit' -d 'How many entries to list.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" escrow' -l 'escrow' -d 'Only the entries of this escrow.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" key' -l 'key' -d 'An idempotency key: the same key credits once (default: a new one).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" memo' -l 'memo' -d 'A note kept with the entry.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node wallet credit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node escrow" -eq 1' -fa 'list' -d 'Escrows, the most recently changed first.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node escrow" -eq 1' -fa 'show' -d 'One escrow, with its receipts and ledger entries.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow list" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow list" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow list" limit' -l 'limit' -d 'How many escrows to list.' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow list" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow show" home' -l 'home' -d 'Node home directory (default: $TAU_HOME, else ~/.tau).' -rfka ''
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow show" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow show" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node escrow show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node receipts" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node receipts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_positional "tau-node receipts" -eq 1' -fa 'verify' -d 'Verify a receipt bundle (tau-receipts/1) offline.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node receipts verify" json' -l 'json' -d 'Print machine-readable JSON instead of text.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node receipts verify" version' -l 'version' -d 'Show the version.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node receipts verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tau-node' -n '__tau-node_should_offer_completions_for_flags_or_options "tau-node help" version' -l 'version' -d 'Show the version.'
