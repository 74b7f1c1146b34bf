package server

import (
	"context"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// adminRoutes are served only on the admin listener (ADMIN_LISTEN_ADDR,
// loopback by default): metrics, readiness with its reason, and Go's
// profiles.
func (s *Server) adminRoutes() *gin.Engine {
	r := gin.New()
	r.Use(gin.Recovery(), s.requestLogger())
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})))
	r.GET("/readyz", s.readiness(true))
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	// Profiles, for finding where time goes under load (loadbench -profile).
	r.GET("/debug/pprof/*name", func(c *gin.Context) {
		switch name := strings.TrimPrefix(c.Param("name"), "/"); name {
		case "":
			pprof.Index(c.Writer, c.Request)
		case "profile":
			pprof.Profile(c.Writer, c.Request)
		default:
			pprof.Handler(name).ServeHTTP(c.Writer, c.Request)
		}
	})
	return r
}

// readiness answers whether the database answers and is migrated and
// GitHub has answered GET /app. The public answer gives no detail (an error
// can name hosts, users and files); the reason is logged, and shown on the
// admin listener only.
func (s *Server) readiness(detailed bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.db.Ready(ctx); err != nil {
			zerolog.Ctx(c.Request.Context()).Warn().Err(err).Msg("not ready")
			body := gin.H{"status": "not ready", "reason": "database unavailable"}
			if detailed {
				body["reason"] = err.Error()
			}
			c.JSON(http.StatusServiceUnavailable, body)
			return
		}
		if reason := s.githubReady(); reason != "" {
			zerolog.Ctx(c.Request.Context()).Warn().Str("reason", reason).Msg("not ready")
			body := gin.H{"status": "not ready", "reason": "GitHub not reachable yet"}
			if detailed {
				body["reason"] = reason
			}
			c.JSON(http.StatusServiceUnavailable, body)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}
